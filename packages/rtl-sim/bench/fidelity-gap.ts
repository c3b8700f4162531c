/**
 * The fidelity gap, measured: every ResNet-50 layer on DOSA's default Gemmini (DIM 16,
 * 128 KiB scratchpad, 32 KiB accumulator) with the analytical mapper's mappings (row-organised
 * buffers, so the RTL can hold every tile), scored by the analytical model and simulated
 * cycle-accurately under Verilator. Reports the RTL/analytical cycle and energy ratios per layer
 * (median, min, max), the stall counters that explain them, and the wall time of the whole
 * ResNet-50 RTL evaluation with a warm build cache.
 * Run with `npm run bench:fidelity-gap -w @polaris/rtl-sim`.
 */
import { cpus } from 'node:os';
import { firstValueFrom, toArray } from 'rxjs';
import { DEFAULT_GEMMINI, type DesignPoint, builtinWorkload, describeLayer } from '@polaris/core';
import { AnalyticalMapper, analyzeNetwork } from '@polaris/analytical';
import { RtlEvaluator } from '../src/plugin/index.js';

const workload = builtinWorkload('resnet50');
const hardware = DEFAULT_GEMMINI;
const mapper = new AnalyticalMapper({ bufferLayout: 'rows' });
const point: DesignPoint = { hardware, mappings: workload.layers.map(({ layer }) => mapper.map(layer, hardware, 1).mapping) };
const analytical = analyzeNetwork(workload, hardware, point.mappings);
const rtl = new RtlEvaluator();

console.log(`fidelity gap — ResNet-50 (${workload.layers.length} unique layers) at ${hardware.peDim}x${hardware.peDim}, ${hardware.spKB} KiB / ${hardware.accKB} KiB`);
console.log(`node ${process.version}; ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}); simulator pool of ${rtl.capabilities.maxConcurrency}`);

// Warm the build cache (a cold build is measured by bench/build-and-speed.ts).
await firstValueFrom(rtl.evaluate([{ hardware, mappings: point.mappings }], { name: 'warm-up', layers: [workload.layers[1]] }).pipe(toArray())).catch(() => undefined);
const warm = { ...point, mappings: [point.mappings[1]] };
await firstValueFrom(rtl.evaluate([warm], { name: 'warm-up', layers: [workload.layers[1]] }).pipe(toArray()));

const start = performance.now();
const [result] = await firstValueFrom(rtl.evaluate([point], workload).pipe(toArray()));
const wallS = (performance.now() - start) / 1000;
if (!result.ok) throw new Error(`RTL evaluation failed: ${result.error}`);
const measured = result.evaluation;

const quantiles = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)].toFixed(3)}, min ${s[0].toFixed(3)}, max ${s[s.length - 1].toFixed(3)}`;
};
const cycleRatios: number[] = [];
const energyRatios: number[] = [];
console.log('\nlayer                          count  analytical cyc    RTL cyc   cyc ratio  energy ratio  stalls (share of RTL cycles): dma / dependency / bank / pipeline');
workload.layers.forEach((entry, i) => {
  const a = analytical.layers[i];
  const r = measured.layers[i];
  const e = r.events ?? {};
  const share = (name: string) => `${((100 * (e[name] ?? 0)) / r.cycles).toFixed(0)}%`;
  cycleRatios.push(r.cycles / a.cycles);
  energyRatios.push(r.energy / a.energy);
  console.log(`${describeLayer(entry.layer).padEnd(30)} ×${String(entry.count).padEnd(4)} ${String(a.cycles).padStart(14)} ${String(r.cycles).padStart(10)}`
    + `   ${(r.cycles / a.cycles).toFixed(3).padStart(8)}  ${(r.energy / a.energy).toFixed(3).padStart(11)}  `
    + `${share('stall_dma_wait')} / ${share('stall_dependency')} / ${share('stall_bank_conflict')} / ${share('stall_pipeline')}`);
});
console.log(`\nper-layer RTL/analytical cycles: ${quantiles(cycleRatios)}`);
console.log(`per-layer RTL/analytical energy: ${quantiles(energyRatios)}`);
console.log(`network: cycles ${(measured.cycles / analytical.cycles).toFixed(3)}×, energy ${(measured.energy / analytical.energy).toFixed(3)}×, EDP ${(measured.edp / analytical.edp).toFixed(3)}×`);
const simulated = workload.layers.reduce((sum, _l, i) => sum + measured.layers[i].cycles, 0);
console.log(`whole ResNet-50 at RTL fidelity: ${wallS.toFixed(1)} s wall (warm build cache), ${(simulated / 1e6).toFixed(1)} M cycles simulated `
  + `(unique layers once), ${(simulated / wallS / 1e6).toFixed(2)} M simulated cycles/s over the pool`);
