/**
 * The network half of {@link DosaPredictor}: the dense stack read from its tfjs-layers model, a
 * dense layer with a WASM-friendly gradient, the training and inference forward passes, and the
 * epoch loop shared by fitting and continued training (updates).
 */
import type { Random } from '@polaris/core';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** One dense layer's variables, read from the tfjs-layers model so training updates it in place. */
export interface DenseVariables {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
  readonly activation: 'gelu' | 'softplus';
}

/** The Dense layers of a model built by `buildModel`, in order, with their variables. */
export function denseStack(model: tfl.LayersModel): DenseVariables[] {
  const dense = model.layers.filter((l) => l.getClassName() === 'Dense');
  return dense.map((layer, i) => {
    const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    return { kernel, bias, activation: i === dense.length - 1 ? 'softplus' : 'gelu' };
  });
}

/**
 * `x·W + b` whose gradient uses only untransposed matrix products. tfjs' own gradient of
 * `matMul` asks for `matMul(x, dy, transposeA = true)` and `matMul(dy, W, transposeB = true)`;
 * the WASM backend runs those through a slow generic kernel (about 0.03–0.3 GFLOPS here against
 * 7–27 GFLOPS for the plain product), which made one training step on DOSA's 2048-wide layers
 * cost seconds. Here `dW = transpose(x)·dy` (the transpose is batch-sized) and
 * `dx = transpose(W·transpose(dy))`, so the big weight matrix is never re-packed; the forward
 * product is `transpose(transpose(W)·transpose(x))` (one transpose of W instead of a re-pack).
 * Exported for its gradient test.
 */
export const denseWithFastGradient = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.add(tf.transpose(tf.matMul(tf.transpose(w), tf.transpose(x))), b),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.transpose(tf.matMul(ws, tf.transpose(dy))), tf.matMul(tf.transpose(xs), dy), tf.sum(dy, 0)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

/** GELU with the exact erf form, the same formula as tfjs-layers' `gelu` activation used by `predict`. */
function gelu(x: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(x, tf.mul(0.5, tf.add(1, tf.erf(tf.div(x, Math.SQRT2)))));
}

/**
 * The network on a batch. With `dropout`, inverted dropout (tfjs' `tf.dropout`, as the Dropout
 * layer does in training) follows each hidden layer with its own seed; without it this is the
 * inference network `predict` runs.
 */
export function forward(net: readonly DenseVariables[], x: tf.Tensor2D, dropout?: { readonly rate: number; readonly seeds: readonly number[] }): tf.Tensor2D {
  let h = x;
  net.forEach((d, i) => {
    const z = denseWithFastGradient(h, d.kernel as tf.Tensor2D, d.bias as tf.Tensor1D);
    if (d.activation === 'softplus') {
      h = tf.softplus(z);
      return;
    }
    h = gelu(z);
    if (dropout && dropout.rate > 0) h = tf.dropout(h, dropout.rate, undefined, dropout.seeds[i]) as tf.Tensor2D;
  });
  return h;
}

/** A dense layer prepared for inference: its kernel transposed once, `[out, in]`. */
export interface InferenceLayer {
  readonly kernelT: tf.Tensor2D;
  readonly bias: tf.Variable;
  readonly activation: 'gelu' | 'softplus';
}

/**
 * The inference network as `hᵀ ← act(Wᵀ·hᵀ + b)`: the WASM matrix product is about 3× faster
 * when the large operand comes first (it packs the second operand on every call), so `predict`
 * keeps each kernel transposed and the activations transposed (`[width, rows]`) throughout.
 */
export function inferTransposed(layers: readonly InferenceLayer[], x: tf.Tensor2D): tf.Tensor2D {
  let h = tf.transpose(x);
  for (const l of layers) {
    const z = tf.add(tf.matMul(l.kernelT, h), tf.reshape(l.bias, [-1, 1])) as tf.Tensor2D;
    h = l.activation === 'softplus' ? tf.softplus(z) : gelu(z);
  }
  return tf.transpose(h);
}

/** Mean absolute error over every entry (Keras' `meanAbsoluteError` averaged over the batch). */
export function l1(prediction: tf.Tensor2D, target: tf.Tensor2D): tf.Scalar {
  return tf.mean(tf.abs(tf.sub(prediction, target)));
}


/** Tensors an epoch loop trains on (row-major, standardised features; encoded targets). */
export interface EpochData {
  /** `rows × features`. */
  readonly x: tf.Tensor2D;
  /** `rows × 2`. */
  readonly y: tf.Tensor2D;
  readonly rows: number;
  /** Held-out rows to early-stop on. */
  readonly validation?: { readonly x: tf.Tensor2D; readonly y: tf.Tensor2D };
}

/** How {@link trainEpochs} trains. */
export interface EpochOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly dropout: number;
  /** Epochs without a lower validation loss before stopping (with `validation` only). */
  readonly patience: number;
  /** Seeded streams of the epoch shuffles and the dropout seeds. */
  readonly shuffle: Random;
  readonly dropoutSeeds: Random;
}

/** What {@link trainEpochs} did. */
export interface EpochOutcome {
  /** Mean L1 loss of the last epoch's training rows. */
  readonly finalLoss: number;
  readonly epochs: number;
  /** With validation: the epoch whose weights were kept and its validation loss. */
  readonly best?: { readonly loss: number; readonly epoch: number };
}

/**
 * Adam on the L1 loss of `net` (in place, from its current weights), shuffled mini-batches with
 * seeded dropout; with validation rows, stops after `patience` epochs without a better
 * validation loss and restores the best epoch's weights. A fresh Adam state each call.
 */
export function trainEpochs(net: readonly DenseVariables[], data: EpochData, options: EpochOptions): EpochOutcome {
  const variables = net.flatMap((d) => [d.kernel, d.bias]);
  const optimizer = tf.train.adam(options.learningRate);
  const { x, y, rows: n, validation } = data;
  const order = Array.from({ length: n }, (_, i) => i);
  let finalLoss = Number.NaN;
  let epochsRun = 0;
  let best: { loss: number; epoch: number; weights: tf.Tensor[] } | undefined;
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const perm = options.shuffle.shuffle(order);
      let lossSum = 0;
      for (let start = 0; start < n; start += options.batchSize) {
        const idx = perm.slice(start, start + options.batchSize);
        const seeds = net.map(() => options.dropoutSeeds.int(0, 2 ** 31 - 1));
        const loss = tf.tidy(() => {
          const indices = tf.tensor1d(idx, 'int32');
          const xb = tf.gather(x, indices);
          const yb = tf.gather(y, indices);
          return optimizer.minimize(() => l1(forward(net, xb, { rate: options.dropout, seeds }), yb), true, variables) as tf.Scalar;
        });
        lossSum += loss.dataSync()[0] * idx.length;
        loss.dispose();
      }
      finalLoss = lossSum / n;
      epochsRun = epoch + 1;
      if (validation) {
        const validLoss = tf.tidy(() => l1(forward(net, validation.x), validation.y).dataSync()[0]);
        if (best === undefined || validLoss < best.loss) {
          best?.weights.forEach((w) => w.dispose());
          best = { loss: validLoss, epoch: epochsRun, weights: variables.map((v) => tf.clone(v)) };
        } else if (epochsRun - best.epoch >= options.patience) {
          break;
        }
      }
    }
    if (best) variables.forEach((v, i) => v.assign(best!.weights[i]));
  } finally {
    best?.weights.forEach((w) => w.dispose());
    optimizer.dispose();
  }
  return { finalLoss, epochs: epochsRun, ...(best ? { best: { loss: best.loss, epoch: best.epoch } } : {}) };
}
