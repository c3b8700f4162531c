export * from './dataset-sample.js';
export * from './sample-design-points.js';
export * from './import-firesim-csv.js';
export * from './split-by-layer.js';
export * from './samples-from-store.js';
