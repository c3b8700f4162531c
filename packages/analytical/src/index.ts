export * from './model/index.js';
export * from './mapper/index.js';
