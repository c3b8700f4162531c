export * from './harness-report.js';
export * from './simulation-pool.js';
export * from './toolchain.js';
export * from './area-model.js';
export * from './verilator-build.js';
