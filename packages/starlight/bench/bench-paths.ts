/**
 * Where the Starlight benchmarks read and write, all relative to the repository root (so a run
 * from any working directory finds the same files).
 */
import { join, relative, resolve } from 'node:path';

export const REPO_ROOT = resolve(join(import.meta.dirname, '../../..'));
/** The per-layer RTL dataset's SQLite store (built by `rtl-layer-dataset.ts`; polaris-runs/ is gitignored). */
export const RTL_STORE = join(REPO_ROOT, 'polaris-runs/bench/rtl-layers.sqlite');
/** The committed export of that store's samples (`rtl-layer-samples-file.ts`). */
export const RTL_SAMPLES_FILE = join(REPO_ROOT, 'packages/starlight/bench/data/rtl-layer-samples.jsonl');
/** The sample-efficiency benchmark's results of full runs (committed) and of `--quick` runs (gitignored). */
export const SAMPLE_EFFICIENCY_RESULTS = join(REPO_ROOT, 'docs/benchmarks/sample-efficiency');
export const SAMPLE_EFFICIENCY_QUICK_RESULTS = join(REPO_ROOT, 'polaris-runs/bench/sample-efficiency-quick');

/** A path as committed files show it: relative to the repository root. */
export const shownPath = (path: string): string => relative(REPO_ROOT, path);
