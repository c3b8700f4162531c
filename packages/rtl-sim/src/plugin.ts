/** Plugin entry of @polaris/rtl-sim (manifest `entry`): the `rtl` evaluator. */
export { default } from './plugin/rtl-plugin.js';
