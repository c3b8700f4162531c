import { afterAll, describe, expect, it } from 'vitest';
import { LayerDoesNotFitError, type MapOutcome, type MapRequest, type Mapper, mapRequests } from '../contracts/mapper.js';
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
 * The batch API (`mapMany` through {@link mapRequests}, the in-process fallback when a mapper has
 * none) answers each request exactly as `map` does, in request order, "does not fit" as a value,
 * and rejects with the signal's reason when aborted — after which the mapper still works.
 * Every mapper the suite makes is closed after it.
 */
export function describeMapperContract(name: string, makeMapper: () => Mapper, makeFixture: () => MapperContractFixture): void {
  describe(`Mapper contract: ${name}`, () => {
    const made: Mapper[] = [];
    const newMapper = (): Mapper => {
      const mapper = makeMapper();
      made.push(mapper);
      return mapper;
    };
    afterAll(async () => {
      await Promise.all(made.map((mapper) => mapper.close?.()));
    });

    it('maps every layer onto every hardware validly, with a positive cost', () => {
      const mapper = newMapper();
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
        const a = newMapper().map(layer, hardware, 7);
        const b = newMapper().map(layer, hardware, 7);
        expect(printMapping(a.mapping)).toBe(printMapping(b.mapping));
      }
    });

    it('throws LayerDoesNotFitError when a layer cannot fit', (context) => {
      const fixture = makeFixture();
      if (!fixture.impossible) {
        context.skip();
        return;
      }
      const mapper = newMapper();
      const impossible = fixture.impossible;
      const attempt = () => fixture.workload.layers.forEach(({ layer }) => mapper.map(layer, impossible, 1));
      expect(attempt).toThrow(LayerDoesNotFitError);
    });

    it('answers a batch exactly as map does, in request order, "does not fit" as a value', async () => {
      const fixture = makeFixture();
      const mapper = newMapper();
      const hardware = fixture.impossible ? [...fixture.hardware, fixture.impossible] : fixture.hardware;
      const requests: MapRequest[] = hardware.flatMap((hw, h) => fixture.workload.layers.map(({ layer }, l) => ({ layer, hardware: hw, seed: 3 + h + l })));
      const outcomes = await mapRequests(mapper, requests);
      expect(outcomes).toHaveLength(requests.length);
      const oneByOne = newMapper();
      requests.forEach(({ layer, hardware: hw, seed }, i) => {
        const where = `request ${i}: ${describeLayer(layer)} on ${JSON.stringify(hw)}, seed ${seed}`;
        expect(describeOutcome(outcomes[i]), where).toBe(describeOutcome(mapOnce(oneByOne, requests[i])));
      });
      if (fixture.impossible) expect(outcomes.some((o) => !o.ok && o.error instanceof LayerDoesNotFitError)).toBe(true);
    });

    it('rejects an aborted batch with the signal\'s reason and keeps working', async () => {
      const fixture = makeFixture();
      const mapper = newMapper();
      const requests: MapRequest[] = fixture.hardware.flatMap((hw) => fixture.workload.layers.map(({ layer }) => ({ layer, hardware: hw, seed: 11 })));
      const before = new AbortController();
      before.abort(new Error('stopped before'));
      await expect(mapRequests(mapper, requests, { signal: before.signal })).rejects.toThrow('stopped before');
      const during = new AbortController();
      const batch = mapRequests(mapper, requests, { signal: during.signal });
      setImmediate(() => during.abort(new Error('stopped during')));
      await expect(batch).rejects.toThrow('stopped during');
      const [first] = await mapRequests(mapper, requests.slice(0, 1));
      expect(describeOutcome(first)).toBe(describeOutcome(mapOnce(mapper, requests[0])));
    });
  });
}

/** `map` with "does not fit" as a value, as the batch answers it. */
function mapOnce(mapper: Mapper, { layer, hardware, seed }: MapRequest): MapOutcome {
  try {
    return { ok: true, result: mapper.map(layer, hardware, seed) };
  } catch (error) {
    if (error instanceof LayerDoesNotFitError) return { ok: false, error };
    throw error;
  }
}

/** An outcome in comparable text: the mapping's text form and its cost, or the error's message. */
function describeOutcome(outcome: MapOutcome): string {
  return outcome.ok
    ? `${printMapping(outcome.result.mapping)} | cycles ${outcome.result.cycles} | energy ${outcome.result.energy}`
    : `${outcome.error.name}: ${outcome.error.message}`;
}
