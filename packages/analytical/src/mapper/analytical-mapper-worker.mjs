// Entry of a PooledAnalyticalMapper worker thread. The repository runs its TypeScript sources
// without a build (bin/polaris.mjs registers tsx in the main thread); a worker thread has its own
// module loader, so it registers tsx itself — the same in vitest, in the CLI and in benchmarks.
import { register } from 'tsx/esm/api';

register();
const task = await import('./analytical-mapper-worker.ts');

/** Piscina calls the module's default export once per task. */
export default task.default;
