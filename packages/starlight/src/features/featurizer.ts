/**
 * The one featurizer shared by every model in this package: (hardware, layer, mapping, the
 * analytical model's LayerEvaluation) → a fixed-length Float32Array.
 *
 * Every magnitude is log2-scaled (counts use log2(1 + x) so zero stays zero). Layout, in order
 * (see {@link featureNames} for every entry's name):
 *
 * | block        | count | content                                                                  |
 * |--------------|-------|--------------------------------------------------------------------------|
 * | `layer.*`    | 11    | log2 of R S P Q C K N Wstride Hstride Wdilation Hdilation                |
 * | `tile.L*.*`  | 28    | log2 temporal factor per level (L0..L3) × dim (R S P Q C K N)            |
 * | `spatial.*`  | 2     | log2 spatial C at L1 (PE rows), log2 spatial K at L2 (PE columns)        |
 * | `order.L*.*` | 28    | loop order per level × dim: among the level's non-trivial temporal loops |
 * |              |       | (factor > 1), listed outer→inner, the loop at 0-based position i of m    |
 * |              |       | gets (i + 1) / m (innermost = 1); a dim with no such loop gets 0         |
 * | `hw.*`       | 3     | log2 peDim, spKB, accKB                                                  |
 * | `acc.L*.*.*` | 36    | analytical log2(1 + accesses) per level × tensor (W I O) ×               |
 * |              |       | (reads fills updates); 0 where the level does not keep the tensor        |
 * | `lvl.L*.*`   | 8     | analytical log2(1 + cycles) and log2(1 + energy pJ) per level            |
 * | `ana.*`      | 3     | analytical log2 cycles, log2 energy (pJ), log2 MACs of the layer         |
 *
 * Total {@link FEATURE_LENGTH} = 119. Pure and deterministic. Change {@link FEATURIZER_VERSION}
 * whenever the layout or any value changes: saved models record it and refuse another version.
 */
import {
  DIMS, type HardwareConfig, type Layer, LEVEL_COUNT, type LayerEvaluation, type Mapping, TENSORS,
  levelFactor,
} from '@polaris/core';

/** Bump on any change to the layout or the values (a snapshot test of the names enforces it). */
export const FEATURIZER_VERSION = 'starlight-features/1';

const LAYER_FIELDS = ['R', 'S', 'P', 'Q', 'C', 'K', 'N', 'Wstride', 'Hstride', 'Wdilation', 'Hdilation'] as const;
const ACCESS_KINDS = ['reads', 'fills', 'updates'] as const;

function buildNames(): readonly string[] {
  const names: string[] = [];
  for (const f of LAYER_FIELDS) names.push(`layer.${f}`);
  for (let l = 0; l < LEVEL_COUNT; l++) for (const d of DIMS) names.push(`tile.L${l}.${d}`);
  names.push('spatial.L1.C', 'spatial.L2.K');
  for (let l = 0; l < LEVEL_COUNT; l++) for (const d of DIMS) names.push(`order.L${l}.${d}`);
  names.push('hw.peDim', 'hw.spKB', 'hw.accKB');
  for (let l = 0; l < LEVEL_COUNT; l++) for (const t of TENSORS) for (const k of ACCESS_KINDS) names.push(`acc.L${l}.${t}.${k}`);
  for (let l = 0; l < LEVEL_COUNT; l++) names.push(`lvl.L${l}.cycles`, `lvl.L${l}.energy`);
  names.push('ana.cycles', 'ana.energy', 'ana.macs');
  return Object.freeze(names);
}

const NAMES = buildNames();
/** Length of every feature vector of {@link FEATURIZER_VERSION}. */
export const FEATURE_LENGTH = NAMES.length;
const INDEX = new Map(NAMES.map((n, i) => [n, i]));

/** Names of the features, index-aligned with {@link featurize}'s output. */
export function featureNames(): readonly string[] {
  return NAMES;
}

/** Index of a named feature. @throws RangeError for an unknown name. */
export function featureIndex(name: string): number {
  const i = INDEX.get(name);
  if (i === undefined) throw new RangeError(`unknown feature "${name}" (featurizer ${FEATURIZER_VERSION})`);
  return i;
}

/** Indices of the analytical model's own answers (log2 cycles, log2 energy pJ). */
export const ANALYTICAL_LOG2_CYCLES_INDEX = featureIndex('ana.cycles');
export const ANALYTICAL_LOG2_ENERGY_INDEX = featureIndex('ana.energy');

/** A feature input: the analytical evaluation must carry per-level accesses. */
export interface FeatureInput {
  readonly hardware: HardwareConfig;
  readonly layer: Layer;
  readonly mapping: Mapping;
  readonly analytical: LayerEvaluation;
}

const log2p1 = (x: number): number => Math.log2(1 + Math.max(0, x));

function positiveLog2(name: string, x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) throw new RangeError(`featurize: ${name} must be a positive finite number, got ${x}`);
  return Math.log2(x);
}

/**
 * The feature vector of one (hardware, layer, mapping, analytical evaluation).
 * @param out optional destination of length ≥ {@link FEATURE_LENGTH} (a row of a batch buffer).
 * @throws RangeError when the analytical evaluation has no per-level accesses or non-positive
 *   cycles/energy, or a hardware parameter is not positive.
 */
export function featurize(input: FeatureInput, out: Float32Array = new Float32Array(FEATURE_LENGTH)): Float32Array {
  const { hardware, layer, mapping, analytical } = input;
  if (out.length < FEATURE_LENGTH) throw new RangeError(`featurize: output has length ${out.length}, needs ${FEATURE_LENGTH}`);
  if (!analytical.accesses) {
    throw new RangeError('featurize: the analytical LayerEvaluation has no per-level accesses; featurize needs the analytical fidelity\'s evaluation');
  }
  let i = 0;
  for (const f of LAYER_FIELDS) out[i++] = positiveLog2(`layer.${f}`, layer[f]);
  for (let l = 0; l < LEVEL_COUNT; l++) for (const d of DIMS) out[i++] = Math.log2(levelFactor(mapping, l, d, false));
  out[i++] = Math.log2(levelFactor(mapping, 1, 'C', true));
  out[i++] = Math.log2(levelFactor(mapping, 2, 'K', true));
  for (let l = 0; l < LEVEL_COUNT; l++) {
    const order: string[] = [];
    for (const loop of mapping.levels[l].loops) {
      if (!loop.spatial && loop.factor > 1 && !order.includes(loop.dim)) order.push(loop.dim);
    }
    for (const d of DIMS) {
      const position = order.indexOf(d);
      out[i++] = position < 0 ? 0 : (position + 1) / order.length;
    }
  }
  out[i++] = positiveLog2('hardware.peDim', hardware.peDim);
  out[i++] = positiveLog2('hardware.spKB', hardware.spKB);
  out[i++] = positiveLog2('hardware.accKB', hardware.accKB);
  const byLevel = new Map(analytical.accesses.map((a) => [a.level, a]));
  for (let l = 0; l < LEVEL_COUNT; l++) {
    const level = byLevel.get(l);
    for (const t of TENSORS) {
      const counts = level?.tensors[t];
      for (const k of ACCESS_KINDS) out[i++] = counts ? log2p1(counts[k]) : 0;
    }
  }
  for (let l = 0; l < LEVEL_COUNT; l++) {
    const level = byLevel.get(l);
    out[i++] = level ? log2p1(level.cycles) : 0;
    out[i++] = level ? log2p1(level.energy) : 0;
  }
  out[i++] = positiveLog2('analytical.cycles', analytical.cycles);
  out[i++] = positiveLog2('analytical.energy', analytical.energy);
  out[i++] = positiveLog2('analytical.macs', analytical.macs);
  if (i !== FEATURE_LENGTH) throw new Error(`featurize wrote ${i} features, layout has ${FEATURE_LENGTH}`);
  return out;
}

/** Features of many inputs as one row-major matrix (rows × {@link FEATURE_LENGTH}). */
export function featurizeBatch(inputs: readonly FeatureInput[]): Float32Array {
  const out = new Float32Array(inputs.length * FEATURE_LENGTH);
  inputs.forEach((input, r) => featurize(input, out.subarray(r * FEATURE_LENGTH, (r + 1) * FEATURE_LENGTH)));
  return out;
}
