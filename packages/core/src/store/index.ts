export * from './store-error.js';
export * from './store-codec.js';
export * from './queryable-store.js';
export * from './sqlite-store.js';
export * from './memory-store.js';
// The reusable contract suite (describeStoreContract in ./store-contract.ts) imports vitest;
// it is exported from the `@polaris/core/testing` entry, never from here.
export * from './open-store.js';
