import { HARDWARE_RANGES, type HardwareConfig } from '../domain/hardware.js';
import { DesignSpace } from './design-space.js';
import { logIntParameter, logParameter, type Parameter } from './parameter.js';
import { SpaceError } from './space-error.js';

/** Ranges narrowing the template, as the run config's `space:` gives them: `[min, max]` per key. */
export type HardwareRanges = Partial<Record<keyof HardwareConfig, readonly [number, number]>>;

/** Options of {@link HardwareSpace}. */
export interface HardwareSpaceOptions {
  /**
   * How decoded buffer sizes (KiB) are rounded: `'integer'` (default; any whole KiB, as DOSA
   * samples them) or `'powerOfTwo'` (1, 2, 4, … KiB, a coarser space).
   */
  readonly bufferRounding?: 'integer' | 'powerOfTwo';
}

const KEYS = ['peDim', 'spKB', 'accKB'] as const;

/**
 * The Gemmini hardware space: `peDim` a power of two (bins over log2), `spKB` and `accKB`
 * on a log scale rounded to whole KiB — three columns in [0, 1], in that order. Built from
 * {@link HARDWARE_RANGES}, optionally narrowed by the run config's `space:` ranges.
 */
export class HardwareSpace extends DesignSpace<HardwareConfig> {
  /** The [min, max] range in force for each parameter. */
  readonly ranges: Readonly<Record<keyof HardwareConfig, readonly [number, number]>>;

  /**
   * @param narrowed ranges that must lie inside the template's; absent keys keep the template's.
   * @throws SpaceError listing every range that leaves the template, is inverted, or (peDim)
   *   holds no power of two.
   */
  constructor(narrowed: HardwareRanges = {}, options: HardwareSpaceOptions = {}) {
    const problems: string[] = [];
    const ranges = {} as Record<keyof HardwareConfig, readonly [number, number]>;
    for (const key of KEYS) {
      const template = HARDWARE_RANGES[key];
      const [min, max] = narrowed[key] ?? [template.min, template.max];
      const allowed = `allowed: [min, max] within ${template.min}..${template.max}${template.powerOfTwo ? ' holding a power of two' : ''}`;
      if (!Number.isFinite(min) || !Number.isFinite(max)) problems.push(`space.${key}: [${min}, ${max}] is not a pair of numbers; ${allowed}`);
      else if (min > max) problems.push(`space.${key}: min ${min} is greater than max ${max}; ${allowed}`);
      else if (min < template.min || max > template.max) {
        problems.push(`space.${key}: [${min}, ${max}] leaves the Gemmini template's range ${template.min}..${template.max}; ${allowed}`);
      } else if (template.powerOfTwo && 2 ** Math.floor(Math.log2(max)) < min) {
        problems.push(`space.${key}: [${min}, ${max}] holds no power of two; ${allowed}`);
      } else if (!template.powerOfTwo && options.bufferRounding === 'powerOfTwo' && 2 ** Math.floor(Math.log2(max)) < min) {
        problems.push(`space.${key}: [${min}, ${max}] holds no power of two, and buffers are rounded to powers of two; ${allowed}`);
      } else if (!template.powerOfTwo && Math.ceil(min) > Math.floor(max)) {
        problems.push(`space.${key}: [${min}, ${max}] holds no whole KiB; ${allowed}`);
      }
      ranges[key] = [min, max];
    }
    if (problems.length > 0) throw new SpaceError(problems);
    const buffer = (key: 'spKB' | 'accKB'): Parameter =>
      logParameter(key, ranges[key][0], ranges[key][1], options.bufferRounding === 'powerOfTwo' ? 'powerOfTwo' : 'integer');
    super([logIntParameter('peDim', ranges.peDim[0], ranges.peDim[1]), buffer('spKB'), buffer('accKB')]);
    this.ranges = ranges;
  }

  /** Key order fixed, as {@link HardwareConfig}: decode returns `{peDim, spKB, accKB}`. */
  override decode(x: ArrayLike<number>, offset = 0): HardwareConfig {
    const raw = super.decode(x, offset);
    return { peDim: raw.peDim, spKB: raw.spKB, accKB: raw.accKB };
  }
}
