/**
 * `@polaris/rtl-sim/testing`: helpers for specs (here and in the CLI) that run the rtl evaluator
 * against deliberately broken simulators and check that the processes they start are gone.
 */
export { fakeSimulatorPackage, fakeSimulatorScript, installFakeSimulator } from './runner/fake-simulator.testing.js';
export { isAlive, waitUntil } from './runner/process-wait.testing.js';
export { hasVerilator } from './runner/toolchain.js';
