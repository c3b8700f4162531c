import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadRunConfig } from '@polaris/core';
import { runIdFor } from './run-id.js';

const QUICKSTART = fileURLToPath(new URL('../../../../examples/quickstart.yaml', import.meta.url));

describe('runIdFor', () => {
  it('keeps the run id of an existing config stable, so its stored run still resumes', () => {
    // The id the quickstart had before schedules, evaluators:, retries: and lock: existed.
    expect(runIdFor(loadRunConfig(QUICKSTART))).toBe('resnet50-quickstart-seed1-26186e0b');
  });

  it('leaves budget, retries, lock, concurrency and output out, and changes with what decides the trials', () => {
    const base = loadRunConfig(QUICKSTART);
    const id = runIdFor(base);
    expect(runIdFor({ ...base, budget: { ...base.budget, trials: 5000, minutes: 3 }, retries: 0, lock: { heartbeatSeconds: 1, expirySeconds: 9 } })).toBe(id);
    expect(runIdFor({ ...base, concurrency: { analytical: 1 }, output: '/elsewhere.json' })).toBe(id);
    expect(runIdFor({ ...base, seed: 2 })).not.toBe(id);
    expect(runIdFor({ ...base, optimizer: [{ id: 'random', options: {}, trials: 8 }, { id: 'bayesian', options: {} }] })).not.toBe(id);
    expect(runIdFor({ ...base, evaluators: [{ id: 'rtl', options: {} }] })).not.toBe(id);
  });
});
