/** The options, constants and saved metadata of {@link DosaPredictor} (see dosa-predictor.ts). */
export const DOSA_VARIANTS = ['analytical', 'dnn', 'residual', 'residual-log'] as const;
export type DosaVariant = (typeof DOSA_VARIANTS)[number];
/** DOSA's hidden widths. */
export const DOSA_HIDDEN: readonly number[] = [256, 512, 2048, 2048, 512, 256, 64];
/** File holding the predictor's metadata in a saved directory. */
export const DOSA_METADATA_FILE = 'dosa-predictor.json';
/** `kind` and `format` of a saved predictor's metadata. */
export const DOSA_METADATA_KIND = 'polaris/dosa-predictor';
export const DOSA_METADATA_FORMAT = 1;

/**
 * Narrowest [min, max] range (ln units) the `dnn` and `residual-log` targets are rescaled over:
 * a narrower one — a (near-)constant target — is widened to it about its centre, so a value
 * outside the training range (e.g. an update's new rows) stays near [0.5, 1.5].
 */
export const DOSA_MIN_TARGET_RANGE = 0.1;

/** Epochs when none are given. */
export const DOSA_DEFAULT_EPOCHS = 200;
/**
 * Rows per gradient step when none is given. DOSA trains full-batch (its latency MLP uses a
 * DataLoader with `batch_size=100000`, more rows than any of its datasets); 256 keeps small
 * sets full-batch and bounds a step's memory on large ones. On the WASM backend a step costs
 * roughly a fixed ~0.3–0.5 s for the 6.6 M parameters (Adam, weight re-packing) plus the
 * per-row products, so large batches are also much faster per epoch than batches of 32.
 */
export const DOSA_DEFAULT_BATCH_SIZE = 256;
/**
 * Adam's step size when none is given. DOSA used 1e-5 for 50,000 full-batch iterations; with
 * the few hundred steps affordable here 1e-3 is used instead.
 */
export const DOSA_DEFAULT_LEARNING_RATE = 1e-3;

export interface DosaOptions {
  readonly variant: DosaVariant;
  /** Hidden layer widths; DOSA's by default (tests may use tiny ones). */
  readonly hidden?: readonly number[];
  /** Dropout rate after each hidden layer (0.3). */
  readonly dropout?: number;
  /** Maximum epochs ({@link DOSA_DEFAULT_EPOCHS}); fewer when early stopping ends training. */
  readonly epochs?: number;
  /** Rows per step ({@link DOSA_DEFAULT_BATCH_SIZE}). */
  readonly batchSize?: number;
  /** Adam's step size ({@link DOSA_DEFAULT_LEARNING_RATE}). */
  readonly learningRate?: number;
  readonly seed?: number;
  /**
   * Fraction of the fitted rows held out (seeded, at least one row) to early-stop on; 0 (the
   * default) trains on every row for `epochs` epochs. Normalisation statistics come from the
   * remaining rows only.
   */
  readonly validationFraction?: number;
  /** Epochs without a lower validation L1 loss before stopping (20); the best epoch's weights are kept. */
  readonly patience?: number;
}

/** One training row: a feature vector and the measured per-layer targets (natural logs). */
export interface DosaSample {
  readonly features: Float32Array;
  readonly logCycles: number;
  readonly logEnergy: number;
}

/** Predicted ln(cycles) and ln(energy pJ) per row. */
export interface DosaPrediction {
  readonly logCycles: Float64Array;
  readonly logEnergy: Float64Array;
}

/** Everything saved beside the weights. */
export interface DosaMetadata {
  readonly kind: typeof DOSA_METADATA_KIND;
  readonly format: typeof DOSA_METADATA_FORMAT;
  readonly featurizerVersion: string;
  readonly featureLength: number;
  readonly variant: DosaVariant;
  readonly hidden: readonly number[];
  readonly dropout: number;
  readonly featureMean: readonly number[];
  readonly featureStd: readonly number[];
  /** For `dnn`: per target [min, max] of the training targets. */
  readonly targetRange: readonly (readonly [number, number])[];
  /**
   * Root-mean-square error (ln units) of ln cycles and ln energy on the rows last trained on
   * (the held-out rows when early-stopped): the homoscedastic σ a performance model reports,
   * since DOSA's predictor has no uncertainty of its own. Absent before a fit.
   */
  readonly residualStd?: readonly [number, number];
  readonly training: {
    readonly samples: number;
    readonly epochs: number;
    readonly batchSize: number;
    readonly learningRate: number;
    readonly seed: number;
    readonly finalLoss: number | null;
    readonly wallMs: number;
    readonly backend: string | null;
    readonly trainedAt: string;
    /** With early stopping: rows held out, the epoch whose weights were kept and its validation loss. */
    readonly validationSamples?: number;
    readonly bestEpoch?: number;
    readonly validationLoss?: number;
    /** Continued trainings ({@link DosaPredictor.update}) since the fit, and their epochs in all. */
    readonly updates?: number;
    readonly updateEpochs?: number;
  } | null;
}
