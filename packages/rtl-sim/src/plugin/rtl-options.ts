import { z } from 'zod';
import { energyOptionSchema } from '@polaris/core';
import { SRAM_MM2_PER_KIB } from '../runner/area-model.js';

/**
 * Options of the `rtl` evaluator (the config's `evaluator: {id: rtl, options: {…}}`), validated
 * and defaulted by the plugin registry. Unknown keys are rejected.
 */
export const rtlOptionsSchema = z.strictObject({
  /** Wall-clock limit per layer simulation, seconds; a run past it is killed (recoverable failure). */
  timeoutSeconds: z.number().positive().default(600),
  /**
   * Cycle cap per layer (`--max-cycles`); hitting it is a recoverable failure. Default: 64× a
   * generous bound of the layer's ideal cycles (see `defaultCycleCap`), so a hung machine is
   * caught long before the timeout.
   */
  maxCycles: z.int().positive().optional(),
  /**
   * Largest program (instructions per layer) the evaluator generates. A layer whose program is
   * estimated (a lower bound, in closed form from the mapping) to be longer fails at once,
   * `{ok: false, recoverable: false}`, instead of filling memory: a random valid mapping can
   * lower to billions of instructions. With `maxCycles` set, a layer whose cycle lower bound
   * exceeds it fails the same way before generation. Default 8,000,000: 128 MB of instruction
   * words (≈ 0.4 GB at the peak of generation, off the V8 heap) and at least as many cycles to
   * simulate; a mapping past it is better given more spatial reuse than simulated.
   */
  maxInstructions: z.int().positive().default(8_000_000),
  /** Check every layer's outputs against the generator's expected values (`--expect`); slower. */
  check: z.boolean().default(false),
  /** DMA bus width, bytes/cycle (`--bus-bytes`; DESIGN.md: 8). */
  busBytes: z.int().positive().default(8),
  /** DRAM latency, cycles (`--dram-latency`). */
  dramLatency: z.int().min(0).default(40),
  /** Outstanding DRAM requests (`--max-inflight`). */
  maxInflight: z.int().positive().default(16),
  /** Per-action energy table: `timeloop` (Timeloop/Accelergy per-word energies), `dosa`, or a table (core's energy table shape). */
  energy: energyOptionSchema.default('timeloop'),
  /** Simulator build cache; default `$POLARIS_RTL_CACHE` or `~/.cache/polaris/rtl`. */
  cacheDir: z.string().min(1).optional(),
  /** SRAM density for the area estimate, mm²/KiB at 40 nm (an assumption; see area-model.ts). */
  sramMm2PerKiB: z.number().positive().default(SRAM_MM2_PER_KIB),
});

/** Validated options of the `rtl` evaluator. */
export type RtlOptions = z.output<typeof rtlOptionsSchema>;
/** Options as written in a config (everything optional). */
export type RtlOptionsInput = z.input<typeof rtlOptionsSchema>;

/** The defaults, as the registry would produce them from `{}`. */
export const DEFAULT_RTL_OPTIONS: RtlOptions = rtlOptionsSchema.parse({});
