import { createHash } from 'node:crypto';
import type { HardwareConfig } from './hardware.js';
import { type Mapping, printMapping } from './mapping.js';

/** Hardware plus one mapping per unique layer of the workload (same order as the workload). */
export interface DesignPoint {
  readonly hardware: HardwareConfig;
  readonly mappings: readonly Mapping[];
}

/** Canonical text of a design point: key order fixed, mappings in their text form. */
export function canonicalDesignPoint(point: DesignPoint): string {
  const { peDim, spKB, accKB } = point.hardware;
  return JSON.stringify({ hardware: { peDim, spKB, accKB }, mappings: point.mappings.map(printMapping) });
}

/** Stable content hash (sha256 hex, 20 chars) of a design point; equal points hash equal across runs. */
export function hashDesignPoint(point: DesignPoint): string {
  return createHash('sha256').update(canonicalDesignPoint(point)).digest('hex').slice(0, 20);
}
