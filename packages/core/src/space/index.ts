export * from './space-error.js';
export * from './parameter.js';
export * from './design-space.js';
export * from './hardware-space.js';
export * from './factor-split.js';
export * from './mapping-space.js';
export * from './design-point-space.js';
