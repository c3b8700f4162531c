/**
 * Plugin entry of @polaris/starlight (the manifest's `"entry"`): default-exports the
 * ContainerModule binding the `starlight` evaluator factory. Importing it has no side effects.
 */
import { starlightPlugin } from './surrogate/starlight-plugin.js';

export default starlightPlugin;
