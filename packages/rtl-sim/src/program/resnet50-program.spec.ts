import { AnalyticalMapper } from '@polaris/analytical';
import { type HardwareConfig, builtinWorkload, describeLayer, layerMacs, printMapping } from '@polaris/core';
import { describe, expect, it } from 'vitest';
import { type GeneratedProgram, generateProgram } from './generate-program.js';
import { ProgramCapacityError } from './tile-plan.js';

/**
 * Real layers at DOSA's default Gemmini (DIM 16, 128 KiB / 32 KiB) with mappings from the
 * analytical mapper: every unique ResNet-50 layer lowers, quickly, with the layer's MACs.
 * (Outputs are checked on small layers in the other specs; here only the stream is built.)
 *
 * A mapping valid under Timeloop's word count can need more scratchpad ROWS than the RTL has
 * when c or k < DIM (ResNet-50's first layer has C = 3: each input row holds 3 of 16 bytes).
 * For those layers the spec re-maps with a smaller scratchpad budget until the program fits —
 * what the rtl evaluator must do too — and reports them.
 */
const HW: HardwareConfig = { peDim: 16, spKB: 128, accKB: 32 };
const mapper = new AnalyticalMapper({ samples: 150, improvementSteps: 600 });

describe('ResNet-50 programs at DIM 16', () => {
  it('generates every unique layer with its analytical mapping in seconds', () => {
    const workload = builtinWorkload('resnet50');
    const rows: string[] = [];
    let generateMs = 0;
    let instructions = 0;
    for (const [i, { layer }] of workload.layers.entries()) {
      let mapping = mapper.map(layer, HW, i).mapping;
      let program: GeneratedProgram | undefined;
      let spKB = HW.spKB;
      let note = '';
      while (!program) {
        const start = performance.now();
        try {
          program = generateProgram(layer, mapping, HW, { seed: i });
        } catch (error) {
          if (!(error instanceof ProgramCapacityError) || spKB < 1) throw error;
          spKB /= 2;
          note = ` (re-mapped for spKB ${spKB}: rows)`;
          mapping = mapper.map(layer, { ...HW, spKB }, i).mapping;
        }
        generateMs += performance.now() - start;
      }
      expect(program.stats.macs).toBe(layerMacs(layer));
      expect(program.instructions.length).toBe(4 * program.stats.instructions);
      instructions += program.stats.instructions;
      const s = program.stats;
      rows.push(`${describeLayer(layer).padEnd(28)} ${String(s.instructions).padStart(7)} instr (MVIN ${s.byOpcode.MVIN}, MVIN_ACC ${s.byOpcode.MVIN_ACC}, `
        + `MVOUT ${s.byOpcode.MVOUT}, PRELOAD ${s.byOpcode.PRELOAD}, COMPUTE ${s.byOpcode.COMPUTE}) db W/I/acc ${+s.doubleBuffered.weights}${+s.doubleBuffered.inputs}${+s.doubleBuffered.accumulator} `
        + `| ${printMapping(mapping)}${note}`);
    }
    console.log(`ResNet-50 at ${JSON.stringify(HW)}: ${workload.layers.length} layers, ${instructions} instructions, generated in ${generateMs.toFixed(0)} ms\n${rows.join('\n')}`);
    expect(generateMs).toBeLessThan(20_000);
  });
});
