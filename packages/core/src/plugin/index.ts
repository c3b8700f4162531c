export * from './plugin-manifest.js';
export * from './plugin-factories.js';
export * from './plugin-errors.js';
export * from './plugin-source.js';
export * from './plugin-registry.js';
export * from './which.js';
export * from './evaluate-in-process.js';
