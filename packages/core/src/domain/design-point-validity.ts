import type { DesignPoint } from './design-point.js';
import { hardwareViolations } from './hardware.js';
import { mappingViolations } from './mapping-validity.js';
import type { Workload } from './workload.js';

/**
 * Every reason `point` is not a valid Gemmini design point for `workload`, each naming where
 * it is (hardware field, or layer number, name and violation code); empty when valid.
 * Hardware problems are reported alone, since mapping checks need a sane array and buffers.
 */
export function designPointViolations(point: DesignPoint, workload: Workload): string[] {
  const hardware = hardwareViolations(point.hardware).map((message) => `hardware: ${message}`);
  if (hardware.length > 0) return hardware;
  if (point.mappings.length !== workload.layers.length) {
    return [`the point has ${point.mappings.length} mappings but workload "${workload.name}" has ${workload.layers.length} unique layers; give one mapping per layer, in workload order`];
  }
  return workload.layers.flatMap(({ name, layer }, i) =>
    mappingViolations(layer, point.hardware, point.mappings[i]).map((v) => `layer ${i + 1} "${name}" [${v.code}]: ${v.message}`));
}
