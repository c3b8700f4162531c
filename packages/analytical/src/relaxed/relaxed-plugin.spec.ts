import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PluginRegistry, builtinWorkload, encodeRelaxedFactors, loopOrdersOf } from '@polaris/core';
import { flatMapping } from '@polaris/core/testing';

const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));

describe('the analytical plugin\'s differentiable model', () => {
  it('is created by the registry as kind "differentiable", id "analytical", with validated options', async () => {
    const registry = new PluginRegistry();
    registry.add(PACKAGE_DIR);
    expect(registry.ids('differentiable')).toEqual(['analytical']);
    const model = await registry.create('differentiable', 'analytical', { options: { energy: 'dosa', maxBand: 0 } });
    const workload = builtinWorkload('bert');
    const mappings = workload.layers.map(({ layer }) => flatMapping(layer));
    const value = model.relax(workload, mappings.map(loopOrdersOf)).evaluate(encodeRelaxedFactors(mappings));
    expect(Number.isFinite(value.lnEdp)).toBe(true);
    await expect(registry.create('differentiable', 'analytical', { options: { maxBand: -1 } })).rejects.toThrow(/maxBand/);
  });
});
