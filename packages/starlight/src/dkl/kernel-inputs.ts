/**
 * What Starlight's GPs see and how far they may trust it: the kernel's inputs are the encoder's
 * standardised latent (d columns) followed, for standard feature rows, by the hardware itself —
 * log2 peDim, log2 scratchpad KiB, log2 accumulator KiB (h = 3 columns, in octaves, not
 * standardised: a training set of one configuration has no spread to standardise by).
 *
 * Why the hardware is in the kernel: the encoder maps hardware the training rows never had
 * (a 16×16 array when every row is 128×128) close to rows it has seen, and the GP then carries
 * their residual over. With the hardware as separate kernel inputs whose lengthscales are
 * bounded ({@link HARDWARE_LENGTHSCALE_OCTAVES}), a point three octaves from every training
 * configuration is nearly uncorrelated with them, and with the GP's zero prior mean on the
 * residual the prediction returns to the analytical answer: the prior is the floor.
 *
 * When the training rows hold one configuration, the marginal likelihood does not depend on the
 * hardware lengthscales (every pair has distance 0 there); they keep their starting value
 * {@link HARDWARE_LENGTHSCALE_START}. Where the rows span configurations, the fit chooses them
 * inside the bounds.
 */
import { FEATURE_LENGTH, featureIndex } from '../features/index.js';
import { defaultHyperparameters, HYPERPARAMETER_BOUNDS, type ThetaBounds } from '../gp/fit-hyperparameters.js';
import type { GpHyperparameters } from '../gp/ard-kernel.js';

/** Feature columns the kernel reads as hardware (contiguous in the featurizer's layout). */
export const HARDWARE_FEATURES = ['hw.peDim', 'hw.spKB', 'hw.accKB'] as const;
/** Index of the first hardware column in a standard feature row. */
export const HARDWARE_COLUMN = featureIndex(HARDWARE_FEATURES[0]);

/** Bounds of a hardware lengthscale (octaves): never below half an octave, at most eight. */
export const HARDWARE_LENGTHSCALE_OCTAVES = [0.5, 8] as const;
/** A hardware lengthscale where the data cannot tell (octaves): k falls to e^−2 at 3 octaves. */
export const HARDWARE_LENGTHSCALE_START = 1.5;
/**
 * Floor of a latent lengthscale (standardised latent units). Without it, fine-tuning on few
 * layers shrinks lengthscales until the GP interpolates the training rows and σ collapses.
 */
export const LATENT_LENGTHSCALE_FLOOR = 0.3;
/** Floor of the noise variance (normalised residual units): σ never claims the model is exact. */
export const NOISE_VARIANCE_FLOOR = 1e-3;

/** Hardware columns the kernel uses for rows `cols` wide: 3 for standard feature rows, else 0. */
export function hardwareDims(cols: number): number {
  return cols === FEATURE_LENGTH ? HARDWARE_FEATURES.length : 0;
}

/** Hardware columns of feature rows (`rows × cols` → `rows × h`, octaves); empty when h = 0. */
export function hardwareColumns(features: Float32Array, rows: number, cols: number): Float64Array {
  const h = hardwareDims(cols);
  const out = new Float64Array(rows * h);
  for (let r = 0; r < rows; r++) for (let j = 0; j < h; j++) out[r * h + j] = features[r * cols + HARDWARE_COLUMN + j];
  return out;
}

/** Rows of `[latent (d) | hardware (h)]` (`rows × (d + h)`). */
export function kernelInputs(latent: ArrayLike<number>, hardware: ArrayLike<number>, rows: number, d: number, h: number): Float64Array {
  const width = d + h;
  const out = new Float64Array(rows * width);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < d; j++) out[r * width + j] = latent[r * d + j];
    for (let j = 0; j < h; j++) out[r * width + d + j] = hardware[r * h + j];
  }
  return out;
}

/** Bounds of the packed log hyperparameters (d latent + h hardware lengthscales, signal, noise). */
export function kernelBounds(d: number, h: number): ThetaBounds {
  const width = d + h + 2;
  const lower = new Float64Array(width);
  const upper = new Float64Array(width);
  for (let i = 0; i < d; i++) [lower[i], upper[i]] = [Math.log(LATENT_LENGTHSCALE_FLOOR), HYPERPARAMETER_BOUNDS.logLengthscale[1]];
  for (let i = d; i < d + h; i++) [lower[i], upper[i]] = HARDWARE_LENGTHSCALE_OCTAVES.map(Math.log) as [number, number];
  [lower[d + h], upper[d + h]] = HYPERPARAMETER_BOUNDS.logSignalVariance;
  [lower[d + h + 1], upper[d + h + 1]] = [Math.log(NOISE_VARIANCE_FLOOR), HYPERPARAMETER_BOUNDS.logNoiseVariance[1]];
  return { lower, upper };
}

/** Starting hyperparameters: the GP defaults for the latent, {@link HARDWARE_LENGTHSCALE_START} for hardware. */
export function initialKernelHyperparameters(d: number, h: number): GpHyperparameters {
  const latent = defaultHyperparameters(d);
  const logLengthscales = new Float64Array(d + h);
  logLengthscales.set(latent.logLengthscales);
  logLengthscales.fill(Math.log(HARDWARE_LENGTHSCALE_START), d);
  return { ...latent, logLengthscales };
}
