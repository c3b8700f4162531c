/** Plugin entry of @polaris/polaris: every optimizer this package provides. */
export { default } from './random/random-plugin.js';
