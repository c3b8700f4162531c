/**
 * @polaris/core — the domain model, contracts, DI tokens, plugin registry, pipeline,
 * config schema and store. Depends on nothing else of ours.
 */
export * from './domain/index.js';
export * from './contracts/index.js';
export * from './space/index.js';
export * from './workloads/index.js';
export * from './config/index.js';
export * from './store/index.js';
export * from './plugin/index.js';
export * from './pipeline/index.js';
