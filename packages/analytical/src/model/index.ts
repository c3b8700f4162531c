export * from './analytical-options.js';
export * from './packed-mapping.js';
export * from './layer-kernel.js';
export * from './layer-scorer.js';
export * from './tile-footprint.js';
export * from './analyze-layer.js';
export * from './analyze-network.js';
