export * from './model/index.js';
export * from './mapper/index.js';
export * from './relaxed/index.js';
export * from './plugin/index.js';
export * from './agreement/dosa-agreement.js';
