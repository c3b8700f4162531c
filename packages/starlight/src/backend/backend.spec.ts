import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { activeBackendName, backendAttempts, ensureBackend, selectBackend } from './backend.js';

describe('selectBackend', () => {
  it('falls back past tfjs-node (absent here) to a working backend that computes correctly', async () => {
    expect(activeBackendName()).toBeUndefined(); // importing the module selected nothing
    const name = await selectBackend();
    expect(['tensorflow', 'wasm', 'cpu']).toContain(name);
    expect(activeBackendName()).toBe(name);
    const attempts = backendAttempts();
    expect(attempts.at(-1)).toEqual({ backend: name, ok: true });
    for (const failed of attempts.slice(0, -1)) expect(failed.error).toBeTruthy();
    const product = tf.tidy(() => tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]])).arraySync());
    expect(product).toEqual([[19, 22], [43, 50]]);
    const soft = tf.tidy(() => tf.softplus(tf.tensor1d([0, 2])).dataSync());
    expect(soft[0]).toBeCloseTo(Math.log(2), 6);
    expect(soft[1]).toBeCloseTo(Math.log(1 + Math.exp(2)), 6);
    console.info(`[starlight] backend selected: ${name}; attempts: ${JSON.stringify(attempts)}`);
  });

  it('honours a preferred backend and reports it', async () => {
    expect(await selectBackend('cpu')).toBe('cpu');
    expect(activeBackendName()).toBe('cpu');
    expect(tf.tidy(() => tf.sum(tf.tensor1d([1, 2, 3.5])).dataSync()[0])).toBe(6.5);
    expect(await ensureBackend()).toBe('cpu'); // keeps the explicit choice
    await selectBackend(); // restore the default choice for other tests in this worker
  });
});
