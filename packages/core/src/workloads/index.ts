export * from './builtin-workload-data.js';
export * from './builtin-workloads.js';
export * from './timeloop-problem.js';
export * from './resolve-workload.js';
