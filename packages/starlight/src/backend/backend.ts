/**
 * TensorFlow.js backend selection, by priority with fallback:
 *
 * 1. `tensorflow` — `@tensorflow/tfjs-node` (native libtensorflow), when it is installed. It is an
 *    optional dependency: its install downloads libtensorflow, which fails on machines without
 *    network access, and npm then skips it.
 * 2. `wasm` — `@tensorflow/tfjs-backend-wasm` with SIMD. Threads are unavailable in Node (tfjs
 *    reports no multithread support there), so the single-threaded SIMD binary is used. The
 *    `.wasm` binaries are loaded from the package's own `dist/` directory by absolute file path,
 *    so nothing is fetched over the network.
 * 3. `cpu` — `@tensorflow/tfjs-backend-cpu`, pure JavaScript; always works.
 *
 * Nothing happens at import time: backends are imported (which registers them with tfjs-core)
 * only inside {@link selectBackend}. Every figure a model produces should name
 * {@link activeBackendName}.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

export const BACKEND_NAMES = ['tensorflow', 'wasm', 'cpu'] as const;
/** tfjs' own names: `tensorflow` is tfjs-node's backend. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** Why a backend was skipped during the last selection, by name. */
export interface BackendAttempt {
  readonly backend: BackendName;
  readonly ok: boolean;
  readonly error?: string;
}

let lastAttempts: BackendAttempt[] = [];
let selection: Promise<BackendName> | undefined;
let selectionKey: string | undefined;

const WASM_BINARIES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'] as const;

/** Absolute paths of the WASM binaries shipped in `@tensorflow/tfjs-backend-wasm/dist/`. */
export function wasmBinaryPaths(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const dist = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  return Object.fromEntries(WASM_BINARIES.map((name) => [name, join(dist, name)]));
}

let wasmPathsSet = false;

/** Imports (registers) one backend's package; throws when it is absent or cannot load. */
async function registerBackend(name: BackendName): Promise<void> {
  switch (name) {
    case 'tensorflow': {
      // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
      const specifier = '@tensorflow/tfjs-node';
      await import(specifier);
      return;
    }
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      if (!wasmPathsSet) {
        wasm.setWasmPaths(wasmBinaryPaths());
        wasmPathsSet = true;
      }
      return;
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return;
  }
}

/** Registers and activates one backend; returns an error message instead of throwing. */
async function tryBackend(name: BackendName): Promise<string | undefined> {
  try {
    await registerBackend(name);
    const ok = await tf.setBackend(name);
    if (!ok) return `tf.setBackend('${name}') returned false`;
    await tf.ready();
    if (tf.getBackend() !== name) return `backend is ${tf.getBackend()} after selecting ${name}`;
    // A smoke test: a backend that initialises but cannot run kernels is no use.
    const probe = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).dataSync());
    if (probe[0] !== 4 || probe[1] !== 6) return `backend ${name} computed [1,2]+[3,4] = [${[...probe].join(',')}]`;
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String((error as { message?: unknown })?.message ?? error);
  }
}

/**
 * Activates the best available backend and returns its name. Tries `preferred` first (when
 * given), then tfjs-node, WASM and CPU in that order; the first that initialises and passes a
 * smoke test wins. Idempotent: later calls with the same preference return the same backend.
 * @throws Error listing every attempt when no backend works (the CPU backend always should).
 */
export async function selectBackend(preferred?: BackendName): Promise<BackendName> {
  const order: BackendName[] = preferred ? [preferred, ...BACKEND_NAMES.filter((b) => b !== preferred)] : [...BACKEND_NAMES];
  const key = order.join(',');
  if (selection && selectionKey === key) return selection;
  selectionKey = key;
  selection = (async () => {
    const attempts: BackendAttempt[] = [];
    for (const name of order) {
      const error = await tryBackend(name);
      attempts.push(error === undefined ? { backend: name, ok: true } : { backend: name, ok: false, error });
      if (error === undefined) {
        lastAttempts = attempts;
        return name;
      }
    }
    lastAttempts = attempts;
    throw new Error(`no TensorFlow.js backend works: ${attempts.map((a) => `${a.backend}: ${a.error ?? 'ok'}`).join('; ')}`);
  })();
  try {
    return await selection;
  } catch (error) {
    selection = undefined;
    selectionKey = undefined;
    throw error;
  }
}

/**
 * The active backend, selecting the default order first if nothing has been selected yet; unlike
 * {@link selectBackend}() it keeps an explicit earlier choice (e.g. `selectBackend('cpu')`).
 */
export async function ensureBackend(): Promise<BackendName> {
  // tfjs-core alone registers no gradient functions; importing tfjs-layers registers them all
  // (in Node's CommonJS bundle and in the ES build alike), which training needs.
  await import('@tensorflow/tfjs-layers');
  if (selection !== undefined) return selection;
  return selectBackend();
}

/** The backend tfjs is using now, or undefined before {@link selectBackend} has run. */
export function activeBackendName(): BackendName | undefined {
  if (selection === undefined) return undefined;
  const name = tf.getBackend();
  return (BACKEND_NAMES as readonly string[]).includes(name) ? (name as BackendName) : undefined;
}

/** What the last selection tried, in order, with the reason each failed backend was skipped. */
export function backendAttempts(): readonly BackendAttempt[] {
  return lastAttempts;
}
