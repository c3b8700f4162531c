import type { DesignPoint } from '../domain/design-point.js';
import type { Random } from '../domain/random.js';
import type { Workload } from '../domain/workload.js';
import { HardwareSpace } from './hardware-space.js';
import { MappingSpace } from './mapping-space.js';

/** Where one part of an encoded design point lives: columns [offset, offset + width). */
export interface SpaceSegment {
  /** `hardware`, or the workload layer's name. */
  readonly name: string;
  readonly offset: number;
  readonly width: number;
}

/**
 * The co-design space of a workload: hardware followed by one mapping per unique layer, in
 * workload order. Encoded vector layout: [hardware (3) | layer 0 (58) | layer 1 (58) | …];
 * {@link segments} gives the offsets, so an optimizer can search hardware and mappings
 * separately (Polaris's outer and inner loops). Mappings decode with spatial factors capped
 * by the decoded hardware's `peDim`.
 */
export class DesignPointSpace {
  readonly mappings: readonly MappingSpace[];
  readonly segments: readonly SpaceSegment[];
  readonly dimension: number;

  constructor(
    readonly workload: Workload,
    readonly hardware: HardwareSpace = new HardwareSpace(),
  ) {
    this.mappings = workload.layers.map((entry) => new MappingSpace(entry.layer));
    const segments: SpaceSegment[] = [{ name: 'hardware', offset: 0, width: hardware.dimension }];
    let offset = hardware.dimension;
    workload.layers.forEach((entry, i) => {
      segments.push({ name: entry.name, offset, width: this.mappings[i].dimension });
      offset += this.mappings[i].dimension;
    });
    this.segments = segments;
    this.dimension = offset;
  }

  /**
   * Encodes a design point.
   * @throws RangeError when the hardware is outside the space, the mapping count differs from
   *   the workload's layer count, or a mapping does not fit its layer's dimensions.
   */
  encode(point: DesignPoint): Float64Array {
    if (point.mappings.length !== this.mappings.length) {
      throw new RangeError(`cannot encode: the point has ${point.mappings.length} mappings, the workload ${this.workload.name} has ${this.mappings.length} layers`);
    }
    const out = new Float64Array(this.dimension);
    this.hardware.encode(point.hardware, out, 0);
    this.mappings.forEach((space, i) => space.encode(point.mappings[i], out, this.segments[i + 1].offset));
    return out;
  }

  decode(x: ArrayLike<number>): DesignPoint {
    if (x.length !== this.dimension) throw new RangeError(`cannot decode: expected ${this.dimension} columns, got ${x.length}`);
    const hardware = this.hardware.decode(x, 0);
    const mappings = this.mappings.map((space, i) => space.decode(x, this.segments[i + 1].offset, hardware.peDim));
    return { hardware, mappings };
  }

  /** A point uniform in the encoded cube. */
  sampleEncoded(rng: Random): Float64Array {
    const x = new Float64Array(this.dimension);
    for (let i = 0; i < x.length; i++) x[i] = rng.next();
    return x;
  }

  sample(rng: Random): DesignPoint {
    return this.decode(this.sampleEncoded(rng));
  }
}
