export * from './config-error.js';
export * from './run-config-schema.js';
export * from './parse-run-config.js';
export * from './energy-table-file.js';
