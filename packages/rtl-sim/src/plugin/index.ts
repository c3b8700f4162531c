export * from './rtl-evaluator.js';
export * from './rtl-activity.js';
export * from './rtl-options.js';
export * from './rtl-energy.js';
export * from './rtl-plugin.js';
export { type ProgramTraffic, programTraffic } from './program-traffic.js';
