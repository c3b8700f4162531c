/**
 * Branded unit types. A number carries its unit in the type so that cycles and
 * picojoules cannot be added by accident; construct them with the helpers below.
 */
declare const unitBrand: unique symbol;

/** A quantity tagged with its unit name at the type level only (zero runtime cost). */
export type Quantity<Unit extends string> = number & { readonly [unitBrand]: Unit };

/** Clock cycles of the accelerator. */
export type Cycles = Quantity<'cycles'>;
/** Energy in picojoules (1 µJ = 1e6 pJ). */
export type PicoJoules = Quantity<'pJ'>;
/** Energy-delay product in picojoule·cycles. */
export type PicoJouleCycles = Quantity<'pJ·cycles'>;
/** Silicon area in square millimetres. */
export type SquareMillimetres = Quantity<'mm²'>;
/** Wall-clock duration in milliseconds. */
export type Milliseconds = Quantity<'ms'>;

export const cycles = (n: number): Cycles => n as Cycles;
export const picoJoules = (n: number): PicoJoules => n as PicoJoules;
export const squareMillimetres = (n: number): SquareMillimetres => n as SquareMillimetres;
export const milliseconds = (n: number): Milliseconds => n as Milliseconds;

/** Energy-delay product of a whole network: Σenergy · Σcycles. */
export function energyDelayProduct(energy: PicoJoules, delay: Cycles): PicoJouleCycles {
  return (energy * delay) as PicoJouleCycles;
}

/** Converts microjoules (Timeloop's printed unit) to picojoules. */
export const microJoulesToPico = (uJ: number): PicoJoules => (uJ * 1e6) as PicoJoules;
/** Converts picojoules to microjoules. */
export const picoToMicroJoules = (pJ: PicoJoules): number => pJ / 1e6;
