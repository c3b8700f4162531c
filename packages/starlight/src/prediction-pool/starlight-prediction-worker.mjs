// Entry of a StarlightPredictionPool worker thread. The repository runs its TypeScript sources
// without a build; a worker thread has its own module loader, so it registers tsx itself.
import { register } from 'tsx/esm/api';

register();
const task = await import('./starlight-prediction-worker.ts');

/** Piscina calls the module's default export once per task. */
export default task.default;
