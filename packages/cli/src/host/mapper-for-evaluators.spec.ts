import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import type { Evaluator } from '@polaris/core';
import { UsageError } from '../commands/usage-error.js';
import { createRegistry } from './builtin-plugins.js';
import { MAPPER_WORKERS_ENV, mapperForEvaluators, mapperWorkersFromEnv } from './mapper-for-evaluators.js';

const analytical = { capabilities: { bufferLayout: 'words' } } as unknown as Evaluator;

describe('mapperForEvaluators', () => {
  const saved = process.env[MAPPER_WORKERS_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[MAPPER_WORKERS_ENV];
    else process.env[MAPPER_WORKERS_ENV] = saved;
  });

  it(`reads the worker threads from ${MAPPER_WORKERS_ENV}, refusing anything but a whole number`, () => {
    expect(mapperWorkersFromEnv({})).toBeUndefined();
    expect(mapperWorkersFromEnv({ [MAPPER_WORKERS_ENV]: ' ' })).toBeUndefined();
    expect(mapperWorkersFromEnv({ [MAPPER_WORKERS_ENV]: '0' })).toBe(0);
    expect(mapperWorkersFromEnv({ [MAPPER_WORKERS_ENV]: '3' })).toBe(3);
    for (const bad of ['-1', '1.5', 'two', '5000']) {
      expect(() => mapperWorkersFromEnv({ [MAPPER_WORKERS_ENV]: bad })).toThrow(UsageError);
    }
    expect(() => mapperWorkersFromEnv({ [MAPPER_WORKERS_ENV]: 'two' })).toThrow(/POLARIS_MAPPER_WORKERS=two .*0 \(map on the main thread\)/);
  });

  it('gives a mapper with a worker-thread batch API by default, and an in-process one with 0 workers', async () => {
    delete process.env[MAPPER_WORKERS_ENV];
    const { mapper: pooled } = await mapperForEvaluators(createRegistry(), [analytical], 'timeloop', 1);
    expect(pooled.mapMany).toBeTypeOf('function');
    process.env[MAPPER_WORKERS_ENV] = '0';
    const { mapper: inProcess } = await mapperForEvaluators(createRegistry(), [analytical], 'timeloop', 1);
    expect(inProcess.mapMany).toBeUndefined();
    expect(inProcess.version).toBe(pooled.version);
    await pooled.close?.();
  });

  it('leaves nothing running: `polaris run` without the bin\'s exit fallback ends by itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'polaris-mapper-exit-'));
    try {
      const config = join(dir, 'run.yaml');
      writeFileSync(config, `name: exits\nseed: 3\nworkload: bert\nbudget: {trials: 8, batch: 4}\nstore: ${join(dir, 'runs.sqlite')}\noutput: ${join(dir, 'out.json')}\n`);
      const script = join(dir, 'run.mts');
      // bin/polaris.mjs minus its `setTimeout(process.exit, 1000)`: any thread, socket or timer left open hangs this child.
      writeFileSync(script, `import { main } from ${JSON.stringify(fileURLToPath(new URL('../main.ts', import.meta.url)))};\n`
        + `process.exitCode = await main(['run', ${JSON.stringify(config)}, '--quiet']);\n`);
      const { stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
        cwd: fileURLToPath(new URL('.', import.meta.url)), timeout: 90_000, env: { ...process.env, [MAPPER_WORKERS_ENV]: '2' },
      });
      expect(stderr).toMatch(/8 trials \(0 resumed, 8 evaluated/);
      expect(stderr).toMatch(/mapper: \d+ layer mappings searched/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
