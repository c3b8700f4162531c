export * from './units.js';
export * from './layer.js';
export * from './hardware.js';
export * from './mapping.js';
export * from './workload.js';
export * from './evaluation.js';
export * from './design-point.js';
