import { describe, expect, it } from 'vitest';
import { LayerDoesNotFitError, type Mapper } from '../contracts/mapper.js';
import type { HardwareConfig } from '../domain/hardware.js';
import { describeLayer, layerMacs } from '../domain/layer.js';
import { printMapping } from '../domain/mapping.js';
import { mappingViolations } from '../domain/mapping-validity.js';
import { rowCapacityViolations } from '../domain/row-capacity.js';
import type { Workload } from '../domain/workload.js';

/** What the mapper contract suite runs a mapper on. */
export interface MapperContractFixture {
  readonly workload: Workload;
  /** Hardware the mapper must map every layer of the workload onto. */
  readonly hardware: readonly HardwareConfig[];
  /** Also require the row-organised buffer rule (mappers asked for `bufferLayout: 'rows'`). */
  readonly rows?: boolean;
  /** Hardware on which some layer of the workload cannot fit, to check the error; optional. */
  readonly impossible?: HardwareConfig;
}

/**
 * The contract every {@link Mapper} plugin must pass: every result is a valid mapping of its
 * layer (factors cover the layer, spatial loops only where the template allows and ≤ peDim,
 * tiles fit the buffers — also row by row when asked), the reported cost is positive, the same
 * seed gives the same mapping, and a layer that cannot fit throws `LayerDoesNotFitError`.
 */
export function describeMapperContract(name: string, makeMapper: () => Mapper, makeFixture: () => MapperContractFixture): void {
  describe(`Mapper contract: ${name}`, () => {
    it('maps every layer onto every hardware validly, with a positive cost', () => {
      const mapper = makeMapper();
      const fixture = makeFixture();
      for (const hardware of fixture.hardware) {
        for (const { layer } of fixture.workload.layers) {
          const result = mapper.map(layer, hardware, 1);
          const where = `${describeLayer(layer)} on ${JSON.stringify(hardware)}: ${printMapping(result.mapping)}`;
          expect(mappingViolations(layer, hardware, result.mapping), where).toEqual([]);
          if (fixture.rows) expect(rowCapacityViolations(layer, hardware, result.mapping), where).toEqual([]);
          expect(result.cycles, where).toBeGreaterThanOrEqual(layerMacs(layer) / hardware.peDim ** 2);
          expect(result.energy, where).toBeGreaterThan(0);
        }
      }
    });

    it('is deterministic for a seed', () => {
      const fixture = makeFixture();
      const [hardware] = fixture.hardware;
      for (const { layer } of fixture.workload.layers) {
        const a = makeMapper().map(layer, hardware, 7);
        const b = makeMapper().map(layer, hardware, 7);
        expect(printMapping(a.mapping)).toBe(printMapping(b.mapping));
      }
    });

    it('throws LayerDoesNotFitError when a layer cannot fit', (context) => {
      const fixture = makeFixture();
      if (!fixture.impossible) {
        context.skip();
        return;
      }
      const mapper = makeMapper();
      const impossible = fixture.impossible;
      const attempt = () => fixture.workload.layers.forEach(({ layer }) => mapper.map(layer, impossible, 1));
      expect(attempt).toThrow(LayerDoesNotFitError);
    });
  });
}
