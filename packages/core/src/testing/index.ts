/**
 * @polaris/core/testing — contract test suites and small fixtures for plugin authors.
 * Imports vitest: use it from spec files only, never from product code.
 */
export { SHARED_DATA } from './shared-data.js';
export * from './evaluator-contract.js';
export * from './optimizer-contract.js';
export * from './macs-per-pe-evaluation.js';
export * from './tiny-workload.js';
export * from '../store/store-contract.js';
export * from './mapper-contract.js';
export * from './performance-model-contract.js';
