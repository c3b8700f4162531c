import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { PluginRegistry, type Sample, type Workload } from '@polaris/core';
import { describePerformanceModelContract, tinyWorkload } from '@polaris/core/testing';
import { AnalyticalEvaluator, AnalyticalMapper } from '@polaris/analytical';
import { FIT_REGION, UPDATE_REGION, syntheticSamples } from './contract-fixture.js';
import { DosaPerformanceModel } from './dosa-performance-model.js';

const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const workload: Workload = tinyWorkload();
const features = new AnalyticalEvaluator();
const mapper = new AnalyticalMapper({ samples: 30, improvementSteps: 20, starts: 1 });
/** A tiny MLP so a fit takes about a second. */
const TINY = { variant: 'residual-log', hidden: [32, 32], epochs: 40, batchSize: 16, learningRate: 3e-3 } as const;
const made: DosaPerformanceModel[] = [];
let samples: { fit: Sample[]; update: Sample[] } | undefined;

async function fixtureSamples() {
  samples ??= {
    fit: await syntheticSamples(features, mapper, workload, { ...FIT_REGION, points: 12 }),
    update: await syntheticSamples(features, mapper, workload, { ...UPDATE_REGION, points: 6 }),
  };
  return samples;
}

function dosaModel(seed: number, options: Partial<ConstructorParameters<typeof DosaPerformanceModel>[0]> = {}): DosaPerformanceModel {
  const model = new DosaPerformanceModel({ ...TINY, features, seed, ...options });
  made.push(model);
  return model;
}

afterAll(() => {
  for (const m of made) m.dispose();
});

describePerformanceModelContract('dosa', (seed) => dosaModel(seed), async () => {
  const { fit, update } = await fixtureSamples();
  return { workload, fitSamples: fit, updateSamples: update };
}, { perLayer: true });

describe('DosaPerformanceModel', () => {
  it('σ is the predictor\'s homoscedastic ln error, the same for every layer, and shrinks as the fit improves', async () => {
    const { fit } = await fixtureSamples();
    const short = dosaModel(2, { epochs: 2 });
    const long = dosaModel(2);
    await short.fit(fit);
    await long.fit(fit);
    const [ps, pl] = [await short.predict([fit[0].point], workload), await long.predict([fit[0].point], workload)];
    const sigma = long.dosa!.metadata.residualStd!;
    for (const v of pl.layers!.logCycles.std) expect(v).toBe(sigma[0]);
    for (const v of pl.layers!.logEnergy.std) expect(v).toBe(sigma[1]);
    expect(pl.layers!.logCycles.std[0]).toBeLessThan(ps.layers!.logCycles.std[0]);
  }, 60_000);

  it('update continues training from the current weights for the update epochs', async () => {
    const { fit, update } = await fixtureSamples();
    const model = dosaModel(3, { updateEpochs: 3 });
    await model.fit(fit);
    await model.update(update);
    expect(model.dosa!.metadata.training).toMatchObject({ epochs: 40, samples: 54, updates: 1, updateEpochs: 3 });
  }, 60_000);

  it('comes from the container as model "dosa", with DOSA\'s own formulation and widths by default', async () => {
    const registry = new PluginRegistry({ baseDir: PACKAGE_DIR });
    registry.add('@polaris/analytical');
    registry.add(PACKAGE_DIR);
    await registry.load('analytical');
    const model = await registry.model('dosa', { options: { hidden: [8], epochs: 1 }, seed: 1 }) as DosaPerformanceModel;
    made.push(model);
    expect(model.id).toBe('dosa');
    await model.fit((await fixtureSamples()).fit.slice(0, 2));
    expect(model.dosa!.metadata).toMatchObject({ variant: 'residual-log', hidden: [8], dropout: 0.3 });
    await expect(registry.model('dosa', { options: { variant: 'both' } })).rejects.toThrow(/variant/);
  }, 60_000);
});
