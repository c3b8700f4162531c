export * from './layer-table.js';
export * from './dense-network.js';
export * from './tensor-file.js';
export * from './layer-table-file.js';
