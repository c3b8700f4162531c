import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createRegistry } from './builtin-plugins.js';
import { createEvaluator, withEnergyTable } from './create-evaluator.js';

const ROOFLINE = fileURLToPath(new URL('../../../../plugins/roofline', import.meta.url));

describe('what components need, as their factories declare it', () => {
  it('reads the needs of the built-in evaluators from their factories', async () => {
    const registry = createRegistry([ROOFLINE]);
    expect(await registry.needs('evaluator', 'analytical')).toEqual({ energyTableOption: 'energy' });
    expect(await registry.needs('evaluator', 'rtl')).toEqual({ energyTableOption: 'energy', timeoutOption: 'timeoutSeconds' });
    expect(await registry.needs('evaluator', 'starlight')).toEqual({ featuresEvaluator: 'analytical', modelOption: 'model' });
    expect(await registry.needs('evaluator', 'roofline')).toEqual({});
  });

  it('fills the run\'s energy table only into components that take one, never over an explicit option', async () => {
    const registry = createRegistry([ROOFLINE]);
    expect(await withEnergyTable(registry, 'evaluator', 'analytical', 'dosa')).toEqual({ energy: 'dosa' });
    expect(await withEnergyTable(registry, 'evaluator', 'analytical', 'dosa', { energy: 'timeloop' })).toEqual({ energy: 'timeloop' });
    expect(await withEnergyTable(registry, 'evaluator', 'roofline', 'dosa', { x: 1 })).toEqual({ x: 1 });
    const dosa = await createEvaluator(registry, 'analytical', 'dosa');
    const timeloop = await createEvaluator(registry, 'analytical', 'timeloop');
    expect(dosa.version).not.toBe(timeloop.version);
  });
});
