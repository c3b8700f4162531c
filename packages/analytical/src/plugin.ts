/** Plugin entry of @polaris/analytical: the analytical evaluator and mapper. */
export { default } from './plugin/analytical-plugin.js';
