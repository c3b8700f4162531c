import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DosaCsvError, parseDosaCsv, readDosaCsv } from './dosa-csv.js';
import { parseMapping } from './mapping.js';
import { SHARED_DATA } from '../testing/shared-data.js';

const HEADER = 'target.cycle,target.energy,mapping.mapping,arch.meshX,arch.mem1_entries,arch.mem1_instances,'
  + 'arch.mem1_word-bits,arch.mem1_shared_bandwidth,arch.mem2_entries,arch.mem2_instances,arch.mem2_word-bits,'
  + 'arch.mem2_shared_bandwidth,prob.C,prob.Hdilation,prob.Hstride,prob.K,prob.N,prob.P,prob.Q,prob.R,prob.S,'
  + 'prob.Wdilation,prob.Wstride';

describe('DOSA CSV reader', () => {
  it('derives peDim, spKB and accKB from the arch columns', () => {
    // 16×16 PEs; accumulator 2048 words/instance × 16 instances × 4 B = 128 KiB; scratchpad 65536 B = 64 KiB.
    const text = `${HEADER}\n1874,0.780401,"L3[WIO] K8 - L2[WI] N1 K4X - L1[O] K16 C13 - L0[W] N1",16,2048,16,32,2,65536,1,8,32,13,1,1,512,1,1,1,1,1,1,1\n`;
    const [row] = parseDosaCsv(text);
    expect(row.hardware).toEqual({ peDim: 16, spKB: 64, accKB: 128 });
    expect(row.layer).toMatchObject({ C: 13, K: 512, P: 1, R: 1, Wstride: 1 });
    expect(row.targets).toEqual({ cycles: 1874, energyUJ: 0.780401 });
    expect(row.arch.accumulatorBandwidth).toEqual({ shared: 2 });
    expect(row.arch.scratchpadBandwidth).toEqual({ shared: 32 });
    expect(row.mapping).toBe('L3[WIO] K8 - L2[WI] N1 K4X - L1[O] K16 C13 - L0[W] N1');
  });

  it('names every missing required column', () => {
    const text = 'target.cycle,mapping.mapping,prob.C\n1,L3[WIO] - L2[WI] - L1[O] - L0[W],3\n';
    expect(() => parseDosaCsv(text, 'bad.csv')).toThrow(DosaCsvError);
    expect(() => parseDosaCsv(text, 'bad.csv')).toThrow(/bad\.csv lacks required column\(s\): target\.energy, arch\.meshX.*prob\.Hdilation/);
  });

  it('rejects a file with a header but no rows', () => {
    expect(() => parseDosaCsv(`${HEADER}\n\n`, 'empty.csv')).toThrow(/empty\.csv has a header but no rows/);
  });

  it('names the row and column of a malformed number', () => {
    const text = `${HEADER}\n1874,abc,L3[WIO] K8 - L2[WI] N1 - L1[O] N1 - L0[W] N1,16,2048,16,32,2,65536,1,8,32,13,1,1,512,1,1,1,1,1,1,1\n`;
    expect(() => parseDosaCsv(text, 'x.csv')).toThrow(/x\.csv row 2: column target\.energy/);
  });

  it('reads all 12,000 Timeloop rows with 48 hardware configurations and parseable mappings', () => {
    const rows = readDosaCsv(join(SHARED_DATA, 'dosa/timeloop/timeloop_dataset_sample.csv'));
    expect(rows).toHaveLength(12000);
    const configs = new Set(rows.map((r) => `${r.hardware.peDim},${r.hardware.spKB},${r.hardware.accKB}`));
    expect(configs.size).toBe(48);
    for (const row of rows.slice(0, 200)) expect(() => parseMapping(row.mapping)).not.toThrow();
    expect(rows[0].hardware).toEqual({ peDim: 128, spKB: 2048, accKB: 256 });
  });

  it('reads the FireSim file with its separate read/write bandwidths and RTL cycles', () => {
    const rows = readDosaCsv(join(SHARED_DATA, 'dosa/firesim/firesim_results.csv'));
    expect(rows).toHaveLength(1567);
    expect(rows[0].hardware).toEqual({ peDim: 128, spKB: 1024, accKB: 1024 });
    expect(rows[0].arch.accumulatorBandwidth).toEqual({ read: 1, write: 1 });
    expect(rows[0].arch.scratchpadBandwidth).toEqual({ read: 16, write: 16 });
    expect(rows[0].targets.gemminiCycles).toBe(9853947);
  });
});
