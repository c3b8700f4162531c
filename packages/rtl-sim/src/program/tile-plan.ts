import { type Dim, type HardwareConfig, type Layer, type Mapping, inputHeight, inputWidth, rowFootprintOfShape } from '@polaris/core';
import { type BoxDim, boxRunCount, mergeBox } from './box.js';
import { cheapestOrder, computeRunCount } from './compute-stream.js';
import type { DramLayout } from './dram-layout.js';
import { INPUT_DIMS, type LoopNest, OUTPUT_DIMS, REDUCTION_DIMS, WEIGHT_DIMS, buildLoopNest } from './loop-nest.js';

/**
 * Buffer allocation and address arithmetic of one layer's program.
 *
 * Scratchpad rows hold DIM bytes; the generator fills `c` bytes of an input row and `k` bytes of
 * a weight row. Layouts, relative to a tile's first row:
 * - weight tile (the L2 tile, R2·S2·KB2·CB2 blocks of `c` rows, KB2 = K2/k, CB2 = C2/c):
 *   row `(((r·S2 + s)·KB2 + kb)·CB2 + cb)·c + j` holds channels `k` of kb for input channel
 *   cb·c + j — a PRELOAD block is `c` consecutive rows;
 * - input tile (the L2 tile's bounding box N2·H2·W2 pixels × CB2 channel blocks):
 *   row `((n·H2 + h)·W2 + w)·CB2 + cb` holds the `c` channels of block cb of pixel (n, h, w);
 * - accumulator tile (the L1 output tile): one row per index of the L1/L0 output loops (N, P, Q,
 *   K), row-major: first the loops outside the stream in nest order, then the stream loops in run
 *   order (see `streamOrder`), so a COMPUTE's vectors hit evenly spaced rows; a row holds the `k`
 *   output channels of one (n, p, q, k-block).
 */
export interface TensorAllocation {
  /** Rows of one copy of the tile. */
  readonly rows: number;
  /** First row of each copy: two when double-buffered, else one. */
  readonly slots: readonly number[];
  readonly doubleBuffered: boolean;
}

/** Where everything lives: DRAM regions, scratchpad and accumulator rows. */
export interface ProgramLayout {
  readonly dram: DramLayout;
  /** Array side DIM (= hardware.peDim). */
  readonly dim: number;
  /** PE rows (input channels per block) and columns (output channels per block) in use. */
  readonly c: number;
  readonly k: number;
  /** CONFIG limits: spKB·1024/DIM and accKB·1024/(4·DIM) rows, floored. */
  readonly spLimitRows: number;
  readonly accLimitRows: number;
  readonly weights: TensorAllocation;
  readonly inputs: TensorAllocation;
  readonly accumulator: TensorAllocation;
  /** Input tile bounding box height and width (sliding-window extents of the L2 tile). */
  readonly inputTileHeight: number;
  readonly inputTileWidth: number;
}

/** A valid mapping whose tiles do not fit the buffers row by row (rows of DIM bytes or DIM words). */
export class ProgramCapacityError extends Error {
  override readonly name = 'ProgramCapacityError';
}

/** Per nest loop, what one step of its index adds to each address (0 when it does not apply). */
export interface LoopStrides {
  /** DRAM bytes of the weight block / tile origin (all levels). */
  readonly weightDram: readonly number[];
  /** DRAM bytes of the input tile origin (used for L3 loops). */
  readonly inputDram: readonly number[];
  /** DRAM bytes of the output tile origin in the int32 partial-sum region (used for L3 and L2 loops; ÷4 in the int8 output region). */
  readonly outputDram: readonly number[];
  /** Scratchpad rows within the weight tile (levels ≤ 2). */
  readonly weightRow: readonly number[];
  /** Scratchpad rows within the input tile (levels ≤ 2). */
  readonly inputRow: readonly number[];
  /** Accumulator rows within the output tile (levels ≤ 1, output dimensions). */
  readonly accRow: readonly number[];
}

/** Everything the generator's walk needs besides the nest. */
export interface TilePlan {
  readonly layout: ProgramLayout;
  readonly strides: LoopStrides;
  /** DMA boxes of one tile, relative to its first row and DRAM byte (merged, see mergeBox). */
  readonly weightBox: readonly BoxDim[];
  readonly inputBox: readonly BoxDim[];
  readonly accBox: readonly BoxDim[];
  /** Visits of each output tile to the accumulator (> 1: partial sums spill to DRAM and come back). */
  readonly outputVisits: number;
  /** Index of the first stream loop (loops from here on are streamed under one PRELOAD). */
  readonly streamStart: number;
  /** The stream loops' indices, outer→inner in the order the program runs them. */
  readonly streamOrder: readonly number[];
}

/** Dimensions a stream loop may have: those that index neither the weights nor a reduction. */
const STREAM_DIMS: ReadonlySet<Dim> = new Set<Dim>(['P', 'Q', 'N']);

/** Product of the L3 trip counts down to the innermost L3 loop over one of `dims` (1 if none). */
function l3Loads(nest: LoopNest, dims: ReadonlySet<Dim>): number {
  let product = 1;
  let loads = 1;
  for (const loop of nest.loops) {
    if (loop.level !== 3) break;
    product *= loop.factor;
    if (dims.has(loop.dim)) loads = product;
  }
  return loads;
}

/**
 * Rows one copy of each tile needs and the CONFIG limits; throws when the tiles do not fit.
 * The numbers are core's row rule (`rowFootprintOfShape`, row-capacity.ts), read off the nest.
 */
function tileRows(layer: Layer, hardware: HardwareConfig, nest: LoopNest) {
  const dim = hardware.peDim;
  const { c, k, l1, l2 } = nest;
  const CB2 = l2.C / c;
  const KB2 = l2.K / k;
  const H2 = inputHeight(layer, l2.Q, l2.S);
  const W2 = inputWidth(layer, l2.P, l2.R);
  const footprint = rowFootprintOfShape(layer, hardware, nest);
  const { weightRows, inputRows } = footprint;
  const accRows = footprint.accumulatorRows;
  const spLimitRows = footprint.scratchpadLimitRows;
  const accLimitRows = footprint.accumulatorLimitRows;
  if (weightRows + inputRows > spLimitRows) {
    throw new ProgramCapacityError(
      `scratchpad: the L2 tile (R${l2.R} S${l2.S} P${l2.P} Q${l2.Q} C${l2.C} K${l2.K} N${l2.N}) needs ${weightRows + inputRows} rows of ${dim} bytes `
      + `(weights ${weightRows}: ${l2.R * l2.S * KB2 * CB2} blocks of c=${c} rows holding k=${k} bytes; inputs ${inputRows}: ${l2.N * H2 * W2} pixels × ${CB2} rows of c=${c} bytes) `
      + `but spKB=${hardware.spKB} gives ${spLimitRows} rows; the row-granular layout wastes ${dim - k} of ${dim} bytes per weight row and ${dim - c} per input row, `
      + `so this mapping fits Timeloop's word count but not the RTL's rows: use spKB ≥ ${Math.ceil(((weightRows + inputRows) * dim) / 1024)} or larger spatial factors`,
    );
  }
  if (accRows > accLimitRows) {
    throw new ProgramCapacityError(
      `accumulator: the L1 output tile (N${l1.N} P${l1.P} Q${l1.Q} K${l1.K}×${k}) needs ${accRows} rows of ${dim} int32 but accKB=${hardware.accKB} gives ${accLimitRows}`,
    );
  }
  return { dim, c, k, l1, l2, CB2, KB2, H2, W2, weightRows, inputRows, accRows, spLimitRows, accLimitRows };
}

/**
 * Lays out buffers and computes address strides; see {@link ProgramLayout}.
 * @throws ProgramCapacityError when the tiles do not fit the buffers row by row.
 */
export function planTiles(layer: Layer, hardware: HardwareConfig, nest: LoopNest, dram: DramLayout): TilePlan {
  const { dim, c, k, l2, CB2, KB2, H2, W2, weightRows, inputRows, accRows, spLimitRows, accLimitRows } = tileRows(layer, hardware, nest);
  const { S, C, K, P, Q } = layer;
  const Hi = dram.inputHeight;
  const Wi = dram.inputWidth;

  const L = nest.loops.length;
  const zeros = (): number[] => new Array<number>(L).fill(0);
  const weightDram = zeros();
  const inputDram = zeros();
  const outputDram = zeros();
  const weightRow = zeros();
  const inputRow = zeros();
  nest.loops.forEach((loop, i) => {
    const m = loop.mult;
    switch (loop.dim) {
      case 'R': weightDram[i] = m * S * C * K; inputDram[i] = m * layer.Wdilation * C; weightRow[i] = m * l2.S * KB2 * CB2 * c; inputRow[i] = m * layer.Wdilation * CB2; break;
      case 'S': weightDram[i] = m * C * K; inputDram[i] = m * layer.Hdilation * Wi * C; weightRow[i] = m * KB2 * CB2 * c; inputRow[i] = m * layer.Hdilation * W2 * CB2; break;
      case 'C': weightDram[i] = m * K; inputDram[i] = m; weightRow[i] = m; inputRow[i] = m / c; break;
      case 'K': weightDram[i] = m; outputDram[i] = 4 * m; weightRow[i] = (m / k) * CB2 * c; break;
      case 'P': inputDram[i] = m * layer.Wstride * C; outputDram[i] = 4 * m * Q * K; inputRow[i] = m * layer.Wstride * CB2; break;
      case 'Q': inputDram[i] = m * layer.Hstride * Wi * C; outputDram[i] = 4 * m * K; inputRow[i] = m * layer.Hstride * W2 * CB2; break;
      case 'N': inputDram[i] = m * Hi * Wi * C; outputDram[i] = 4 * m * P * Q * K; inputRow[i] = m * H2 * W2 * CB2; break;
    }
  });
  const weightBox = mergeBox([
    { count: l2.R, rowStride: l2.S * KB2 * CB2 * c, dramStride: S * C * K },
    { count: l2.S, rowStride: KB2 * CB2 * c, dramStride: C * K },
    { count: KB2, rowStride: CB2 * c, dramStride: k },
    { count: CB2 * c, rowStride: 1, dramStride: K },
  ]);
  const inputBox = mergeBox([
    { count: l2.N, rowStride: H2 * W2 * CB2, dramStride: Hi * Wi * C },
    { count: H2, rowStride: W2 * CB2, dramStride: Wi * C },
    { count: W2, rowStride: CB2, dramStride: C },
    { count: CB2, rowStride: 1, dramStride: c },
  ]);

  // Output visits: trip counts of reduction loops outside the innermost L3/L2 output loop.
  let innermostOutput = -1;
  nest.loops.forEach((loop, i) => {
    if (loop.level >= 2 && OUTPUT_DIMS.has(loop.dim)) innermostOutput = i;
  });
  let outputVisits = 1;
  let accTileVisits = 1;
  for (let i = 0; i <= innermostOutput; i++) {
    accTileVisits *= nest.loops[i].factor;
    if (REDUCTION_DIMS.has(nest.loops[i].dim)) outputVisits *= nest.loops[i].factor;
  }

  // Stream loops: the innermost P/Q/N loops of L1/L0 below every weight loop. Their vectors share
  // one weight block and one accumulator tile, so any order computes the same: pick the order (and
  // with it the accumulator layout) that needs the fewest COMPUTE and MVOUT/MVIN_ACC instructions.
  let streamStart = L;
  while (streamStart > 0 && nest.loops[streamStart - 1].level <= 1 && STREAM_DIMS.has(nest.loops[streamStart - 1].dim)) streamStart--;
  const outerAccLoops: number[] = [];
  let streams = 1;
  for (let i = 0; i < streamStart; i++) {
    streams *= nest.loops[i].factor;
    if (nest.loops[i].level <= 1 && OUTPUT_DIMS.has(nest.loops[i].dim)) outerAccLoops.push(i);
  }
  /** Accumulator rows: row-major over the L1 output loops outside the stream (nest order), then the stream in run order. */
  const accLayout = (order: readonly number[]): { accRow: number[]; accBox: BoxDim[] } => {
    const rowStride = zeros();
    const accLoops = [...outerAccLoops, ...order];
    let stride = 1;
    for (let j = accLoops.length - 1; j >= 0; j--) {
      rowStride[accLoops[j]] = stride;
      stride *= nest.loops[accLoops[j]].factor;
    }
    return { accRow: rowStride, accBox: mergeBox(accLoops.map((i) => ({ count: nest.loops[i].factor, rowStride: rowStride[i], dramStride: outputDram[i] }))) };
  };
  const streamLoops = nest.loops.map((_, i) => i).slice(streamStart);
  const accMoves = accTileVisits * (outputVisits > 1 ? 2 : 1);
  const streamOrder = cheapestOrder(streamLoops, (order) => {
    const { accRow: rows, accBox: box } = accLayout(order);
    const runs = computeRunCount(order.map((i) => ({ count: nest.loops[i].factor, spStride: inputRow[i], accStride: rows[i] })));
    return runs * streams + boxRunCount(box) * accMoves;
  });
  const { accRow, accBox } = accLayout(streamOrder);

  // Double-buffering policy: a tile loaded more than once gets two copies when they fit; when only
  // one tensor can, the one with more reloaded rows wins (inputs on a tie).
  const wLoads = l3Loads(nest, WEIGHT_DIMS);
  const iLoads = l3Loads(nest, INPUT_DIMS);
  const wantW = wLoads > 1;
  const wantI = iLoads > 1;
  const fits = (dw: boolean, di: boolean): boolean => weightRows * (dw ? 2 : 1) + inputRows * (di ? 2 : 1) <= spLimitRows;
  let dbW = false;
  let dbI = false;
  if (wantW && wantI && fits(true, true)) {
    dbW = dbI = true;
  } else {
    const preferInputs = iLoads * inputRows >= wLoads * weightRows;
    const order: ('W' | 'I')[] = preferInputs ? ['I', 'W'] : ['W', 'I'];
    for (const t of order) {
      if (t === 'I' && wantI && fits(false, true)) { dbI = true; break; }
      if (t === 'W' && wantW && fits(true, false)) { dbW = true; break; }
    }
  }
  // The accumulator alternates halves only when no tile comes back: a partial-sum MVIN_ACC must
  // reuse the rows of the MVOUT that wrote it, the only way the machine orders the two (DRAM is not tracked).
  const dbAcc = accTileVisits > 1 && outputVisits === 1 && 2 * accRows <= accLimitRows;

  const weights: TensorAllocation = { rows: weightRows, slots: dbW ? [0, weightRows] : [0], doubleBuffered: dbW };
  const inputBase = weightRows * (dbW ? 2 : 1);
  const inputs: TensorAllocation = { rows: inputRows, slots: dbI ? [inputBase, inputBase + inputRows] : [inputBase], doubleBuffered: dbI };
  const accumulator: TensorAllocation = { rows: accRows, slots: dbAcc ? [0, accRows] : [0], doubleBuffered: dbAcc };

  return {
    layout: {
      dram, dim, c, k, spLimitRows, accLimitRows, weights, inputs, accumulator, inputTileHeight: H2, inputTileWidth: W2,
    },
    strides: { weightDram, inputDram, outputDram, weightRow, inputRow, accRow },
    weightBox, inputBox, accBox, outputVisits, streamStart, streamOrder,
  };
}

/**
 * Why the tiles of a valid mapping do not fit the scratchpad or accumulator row by row (the
 * {@link ProgramCapacityError} message), or undefined when they fit. Builds no program: cheap
 * enough to filter a mapper's candidates for the rtl fidelity.
 */
export function rowCapacityProblem(layer: Layer, mapping: Mapping, hardware: HardwareConfig): string | undefined {
  try {
    tileRows(layer, hardware, buildLoopNest(mapping));
    return undefined;
  } catch (error) {
    if (error instanceof ProgramCapacityError) return error.message;
    throw error;
  }
}
