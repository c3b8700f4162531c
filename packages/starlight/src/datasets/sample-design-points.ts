import {
  type DesignPoint, type HardwareConfig, type HardwareSpace, type Layer, LayerDoesNotFitError, type Mapper, type Mapping,
  MappingSpace, Random, type Workload, layerKey, mappingViolations, rowCapacityViolations,
} from '@polaris/core';

/** Options of {@link sampleDesignPoints}. */
export interface SampleDesignPointsOptions {
  /** Hardware is drawn uniformly from this space's unit cube. */
  readonly hardwareSpace: HardwareSpace;
  /**
   * Supplies the "good" half of the points (per-layer mappings it finds, seeded). Without one,
   * every point gets random valid mappings.
   */
  readonly mapper?: Mapper;
  /**
   * `rows`: random mappings must also fit the template's row-organised buffers (RTL datasets;
   * give the mapper the same layout). Default `words`.
   */
  readonly bufferLayout?: 'words' | 'rows';
  /** Random mappings drawn per layer before the hardware is redrawn (default 300). */
  readonly mappingAttempts?: number;
  /** Hardware draws per point before giving up (default 50). */
  readonly hardwareAttempts?: number;
}

/** No valid design point could be drawn; the message says what was tried. */
export class DesignPointSamplingError extends Error {
  override readonly name = 'DesignPointSamplingError';
}

/**
 * `n` seeded valid design points of `workload`: hardware drawn from the space, then per unique
 * layer a mapping. Even-numbered points (⌈n/2⌉ of them) take the mapper's mappings (good ones,
 * seeded per point), odd-numbered ones random valid mappings (uniform in core's {@link MappingSpace}, kept when
 * they pass `mappingViolations`, and `rowCapacityViolations` for the `rows` layout); without a
 * mapper all are random. Hardware on which some layer does not fit is redrawn.
 * Deterministic for (workload, seed, options): point k uses only the stream `point-k`, so the
 * points for `n` are a prefix of the points for any larger `n` (a dataset can grow).
 * @throws DesignPointSamplingError when `hardwareAttempts` draws all fail for a point.
 */
export function sampleDesignPoints(workload: Workload, n: number, seed: number, options: SampleDesignPointsOptions): DesignPoint[] {
  const root = new Random(seed).fork('sample-design-points');
  const spaces = new Map<string, MappingSpace>();
  const spaceOf = (layer: Layer): MappingSpace => {
    const key = layerKey(layer);
    let space = spaces.get(key);
    if (!space) spaces.set(key, (space = new MappingSpace(layer)));
    return space;
  };
  const points: DesignPoint[] = [];
  for (let k = 0; k < n; k++) {
    const rng = root.fork(`point-${k}`);
    const useMapper = options.mapper !== undefined && k % 2 === 0;
    const attempts = options.hardwareAttempts ?? 50;
    let point: DesignPoint | undefined;
    const failures: string[] = [];
    for (let h = 0; h < attempts && !point; h++) {
      const hardware = options.hardwareSpace.sample(rng);
      const mappings: Mapping[] = [];
      for (const { layer, name } of workload.layers) {
        const mapping = useMapper
          ? mapperMapping(options.mapper!, layer, hardware, rng.uint32())
          : randomValidMapping(spaceOf(layer), hardware, rng, options);
        if (!mapping) {
          if (failures.length < 3) failures.push(`layer ${name} on ${hardware.peDim}/${hardware.spKB}/${hardware.accKB}`);
          break;
        }
        mappings.push(mapping);
      }
      if (mappings.length === workload.layers.length) point = { hardware, mappings };
    }
    if (!point) {
      throw new DesignPointSamplingError(`sampleDesignPoints: no valid ${useMapper ? 'mapped' : 'random'} design point of ` +
        `${workload.name} in ${attempts} hardware draws (point ${k}, seed ${seed}); e.g. ${failures.join(', ')} did not fit`);
    }
    points.push(point);
  }
  return points;
}

function mapperMapping(mapper: Mapper, layer: Layer, hardware: HardwareConfig, seed: number): Mapping | undefined {
  try {
    return mapper.map(layer, hardware, seed).mapping;
  } catch (error) {
    if (error instanceof LayerDoesNotFitError) return undefined;
    throw error;
  }
}

function randomValidMapping(space: MappingSpace, hardware: HardwareConfig, rng: Random, options: SampleDesignPointsOptions): Mapping | undefined {
  const attempts = options.mappingAttempts ?? 300;
  for (let i = 0; i < attempts; i++) {
    const mapping = space.sample(rng, hardware.peDim);
    if (mappingViolations(space.layer, hardware, mapping).length > 0) continue;
    if (options.bufferLayout === 'rows' && rowCapacityViolations(space.layer, hardware, mapping).length > 0) continue;
    return mapping;
  }
  return undefined;
}
