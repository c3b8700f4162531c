/**
 * A DNN layer as Timeloop's 7-dimensional convolution nest.
 *
 * Dimension letters follow Timeloop: R/S filter width/height, P/Q output width/height,
 * C input channels, K output channels, N batch. A matmul is R=S=Q=1 (P rows, C inner, K cols).
 */
export const DIMS = ['R', 'S', 'P', 'Q', 'C', 'K', 'N'] as const;
export type Dim = (typeof DIMS)[number];
/** Index of each dimension in {@link DIMS}; used for dense per-dimension arrays. */
export const DIM_INDEX: Readonly<Record<Dim, number>> = { R: 0, S: 1, P: 2, Q: 3, C: 4, K: 5, N: 6 };

export const TENSORS = ['W', 'I', 'O'] as const;
/** W = Weights(C,K,R,S), I = Inputs(N,C,H,W), O = Outputs(N,K,P,Q). */
export type Tensor = (typeof TENSORS)[number];

/** Which dimensions index each tensor (the others are "irrelevant" and give reuse). */
export const TENSOR_DIMS: Readonly<Record<Tensor, readonly Dim[]>> = {
  W: ['R', 'S', 'C', 'K'],
  I: ['R', 'S', 'P', 'Q', 'C', 'N'],
  O: ['P', 'Q', 'K', 'N'],
};

export interface Layer {
  readonly R: number;
  readonly S: number;
  readonly P: number;
  readonly Q: number;
  readonly C: number;
  readonly K: number;
  readonly N: number;
  readonly Wstride: number;
  readonly Hstride: number;
  readonly Wdilation: number;
  readonly Hdilation: number;
}

/**
 * Largest value of any layer field (each of R S P Q C K N and the strides and dilations):
 * 2^20 = 1,048,576. Real networks stay far below it (ResNet-50's largest is 2048 channels, a
 * GPT-3 matmul 49,152); anything above is a typo or a unit slip, and would overflow the
 * products the models compute.
 */
export const MAX_LAYER_FIELD = 2 ** 20;

/**
 * Largest number of MACs of one layer: 2^53 − 1 (`Number.MAX_SAFE_INTEGER`), so every access
 * count the models compute stays an exact integer. U-Net's largest layer is about 2^34.
 */
export const MAX_LAYER_MACS = Number.MAX_SAFE_INTEGER;

/** `allowed:` text of a layer field, for error messages. */
export const LAYER_FIELD_ALLOWED = `a positive integer ≤ ${MAX_LAYER_FIELD} (2^20)`;

/**
 * What is wrong with one layer field's value, or undefined when it is a positive integer within
 * {@link MAX_LAYER_FIELD}; e.g. `= 1000000000 is above the limit 1048576 (2^20)`.
 */
export function layerFieldProblem(value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) return `= ${JSON.stringify(value)} is invalid`;
  if (value > MAX_LAYER_FIELD) return `= ${value} is above the limit ${MAX_LAYER_FIELD} (2^20)`;
  return undefined;
}

/** What is wrong with a layer's size as a whole (its MACs above {@link MAX_LAYER_MACS}), or undefined. */
export function layerSizeProblem(layer: Layer): string | undefined {
  const macs = layerMacs(layer);
  return macs > MAX_LAYER_MACS
    ? `the layer has ${macs.toExponential(2)} MACs, above the limit 2^53 (${MAX_LAYER_MACS}); allowed: R·S·P·Q·C·K·N < 2^53`
    : undefined;
}

/**
 * Builds a layer, defaulting strides and dilations to 1 and checking every field is a positive
 * integer ≤ {@link MAX_LAYER_FIELD} and the MACs ≤ {@link MAX_LAYER_MACS}.
 * @throws RangeError naming the field and the limit.
 */
export function makeLayer(dims: Partial<Layer> & Pick<Layer, Dim>): Layer {
  const layer: Layer = {
    R: dims.R, S: dims.S, P: dims.P, Q: dims.Q, C: dims.C, K: dims.K, N: dims.N,
    Wstride: dims.Wstride ?? 1, Hstride: dims.Hstride ?? 1,
    Wdilation: dims.Wdilation ?? 1, Hdilation: dims.Hdilation ?? 1,
  };
  for (const [key, value] of Object.entries(layer)) {
    const problem = layerFieldProblem(value);
    if (problem) throw new RangeError(`layer field ${key} ${problem}; allowed: ${LAYER_FIELD_ALLOWED}`);
  }
  const size = layerSizeProblem(layer);
  if (size) throw new RangeError(size);
  return layer;
}

/** Multiply-accumulate operations of one instance of the layer. */
export function layerMacs(layer: Layer): number {
  return layer.R * layer.S * layer.P * layer.Q * layer.C * layer.K * layer.N;
}

/** Input width touched by P output columns and R filter columns: (P−1)·Wstride + (R−1)·Wdilation + 1. */
export function inputWidth(layer: Layer, p = layer.P, r = layer.R): number {
  return (p - 1) * layer.Wstride + (r - 1) * layer.Wdilation + 1;
}

/** Input height touched by Q output rows and S filter rows. */
export function inputHeight(layer: Layer, q = layer.Q, s = layer.S): number {
  return (q - 1) * layer.Hstride + (s - 1) * layer.Hdilation + 1;
}

/** Words in each whole tensor of the layer. */
export function tensorSizes(layer: Layer): Record<Tensor, number> {
  return {
    W: layer.C * layer.K * layer.R * layer.S,
    I: layer.N * layer.C * inputWidth(layer) * inputHeight(layer),
    O: layer.N * layer.K * layer.P * layer.Q,
  };
}

/**
 * DOSA's layer key, `R_S_P_Q_C_K_N_Wstride_Hstride_Wdilation_Hdilation`, as used in the
 * `layer_count.yaml` files of its workloads.
 */
export function layerKey(layer: Layer): string {
  return [layer.R, layer.S, layer.P, layer.Q, layer.C, layer.K, layer.N,
    layer.Wstride, layer.Hstride, layer.Wdilation, layer.Hdilation].join('_');
}

/** Inverse of {@link layerKey}. */
export function layerFromKey(key: string): Layer {
  const parts = key.split('_').map(Number);
  if (parts.length !== 11 || parts.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new RangeError(`layer key "${key}" must be 11 positive integers R_S_P_Q_C_K_N_Wstride_Hstride_Wdilation_Hdilation`);
  }
  const [R, S, P, Q, C, K, N, Wstride, Hstride, Wdilation, Hdilation] = parts;
  return makeLayer({ R, S, P, Q, C, K, N, Wstride, Hstride, Wdilation, Hdilation });
}

/** Short human description, e.g. `conv 7x7/2 3→64 @112x112`. */
export function describeLayer(layer: Layer): string {
  const isMatmul = layer.R === 1 && layer.S === 1 && layer.Q === 1;
  if (isMatmul) return `matmul ${layer.N * layer.P}x${layer.C}x${layer.K}`;
  const stride = layer.Wstride === layer.Hstride ? `${layer.Wstride}` : `${layer.Wstride}x${layer.Hstride}`;
  return `conv ${layer.R}x${layer.S}/${stride} ${layer.C}→${layer.K} @${layer.P}x${layer.Q}${layer.N > 1 ? ` N${layer.N}` : ''}`;
}
