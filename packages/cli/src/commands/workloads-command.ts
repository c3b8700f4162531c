import {
  BUILTIN_WORKLOAD_NAMES, builtinWorkloadDescription, describeLayer, layerKey, layerMacs, resolveWorkload, workloadMacs,
} from '@polaris/core';
import { formatTable } from '../render/format-number.js';

/** `polaris workloads [name|path]`: the built-in workloads, or one workload's unique layers in order. */
export function workloadsCommand(nameOrPath?: string): number {
  if (!nameOrPath) {
    const rows = [['name', 'unique layers', 'layer runs', 'GMACs', 'description']];
    for (const name of BUILTIN_WORKLOAD_NAMES) {
      const w = resolveWorkload(name);
      rows.push([name, String(w.layers.length), String(w.layers.reduce((s, l) => s + l.count, 0)),
        (workloadMacs(w) / 1e9).toFixed(2), builtinWorkloadDescription(name)]);
    }
    process.stdout.write(`${formatTable(rows)}\n\nAny Timeloop problem YAML file or folder is a workload too: polaris workloads path/to/folder\n`);
    return 0;
  }
  const workload = resolveWorkload(nameOrPath);
  const rows = [['#', 'layer', 'count', 'shape', 'key R_S_P_Q_C_K_N_Ws_Hs_Wd_Hd', 'MMACs']];
  workload.layers.forEach((l, i) => rows.push([String(i + 1), l.name, String(l.count), describeLayer(l.layer), layerKey(l.layer),
    (layerMacs(l.layer) / 1e6).toFixed(1)]));
  process.stdout.write(`${workload.name}: ${workload.layers.length} unique layers, ${(workloadMacs(workload) / 1e9).toFixed(2)} GMACs\n${formatTable(rows)}\n`);
  return 0;
}
