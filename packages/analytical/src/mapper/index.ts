export * from './analytical-mapper.js';
export * from './map-layer.js';
export * from './mapping-search.js';
export * from './factor-space.js';
export * from './loop-orders.js';
export * from './pooled-analytical-mapper.js';
