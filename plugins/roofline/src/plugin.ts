/**
 * Plugin entry of @polaris-plugins/roofline (the manifest's `"entry"`): default-exports the
 * ContainerModule the plugin registry loads. Importing it has no side effects.
 */
import { rooflinePlugin } from './roofline-plugin.js';

export default rooflinePlugin;
