/**
 * A small fully connected network held as tfjs variables — the encoder, decoder and heads of
 * Starlight. Plain variables (not a tfjs-layers model) so one training step can mix losses of
 * several networks and so weights move between models (pretrained encoder → transfer model) as
 * named arrays.
 */
import { Random } from '@polaris/core';
import * as tf from '@tensorflow/tfjs-core';

/** Hidden-layer activation: ELU (smooth enough for a GP feature map, no dead units). */
export type Activation = 'elu' | 'linear';

/** Weights of one network as named row-major arrays (`<name>/W<i>`: in × out, `<name>/b<i>`: out). */
export type NamedWeights = Record<string, { readonly shape: readonly number[]; readonly values: Float32Array }>;

/** Layer widths from input to output, e.g. [119, 128, 64, 16]; hidden layers use ELU, the last is linear. */
export class DenseNetwork {
  readonly weights: tf.Variable[] = [];
  readonly biases: tf.Variable[] = [];

  private constructor(readonly name: string, readonly widths: readonly number[]) {}

  /** Glorot-uniform weights from the seeded stream, zero biases. */
  static create(name: string, widths: readonly number[], rng: Random): DenseNetwork {
    if (widths.length < 2 || widths.some((w) => !Number.isInteger(w) || w < 1)) {
      throw new RangeError(`DenseNetwork ${name}: widths must be ≥ 2 positive integers, got [${widths.join(', ')}]`);
    }
    const net = new DenseNetwork(name, [...widths]);
    for (let i = 0; i + 1 < widths.length; i++) {
      const [fanIn, fanOut] = [widths[i], widths[i + 1]];
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      const values = new Float32Array(fanIn * fanOut);
      for (let k = 0; k < values.length; k++) values[k] = rng.uniform(-limit, limit);
      net.weights.push(tf.variable(tf.tensor2d(values, [fanIn, fanOut]), true));
      net.biases.push(tf.variable(tf.zeros([fanOut]), true));
    }
    return net;
  }

  /** A network with the given named weights (see {@link DenseNetwork.namedWeights}). */
  static fromWeights(name: string, widths: readonly number[], weights: NamedWeights, sourceName = name): DenseNetwork {
    const net = new DenseNetwork(name, [...widths]);
    for (let i = 0; i + 1 < widths.length; i++) {
      const w = weights[`${sourceName}/W${i}`];
      const b = weights[`${sourceName}/b${i}`];
      if (!w || !b || w.values.length !== widths[i] * widths[i + 1] || b.values.length !== widths[i + 1]) {
        throw new RangeError(`DenseNetwork ${name}: weights for layer ${i} (${widths[i]} → ${widths[i + 1]}) are missing or have the wrong size`);
      }
      net.weights.push(tf.variable(tf.tensor2d(w.values, [widths[i], widths[i + 1]]), true));
      net.biases.push(tf.variable(tf.tensor1d(b.values), true));
    }
    return net;
  }

  get variables(): tf.Variable[] {
    return [...this.weights, ...this.biases];
  }

  /** Output for a batch `x` (`batch × widths[0]`) → `batch × widths[last]`. Call inside `tf.tidy`. */
  apply(x: tf.Tensor2D): tf.Tensor2D {
    let h = x;
    for (let i = 0; i < this.weights.length; i++) {
      h = tf.add(tf.matMul(h, this.weights[i]), this.biases[i]);
      if (i + 1 < this.weights.length) h = tf.elu(h);
    }
    return h;
  }

  /** The current weights as named arrays (copies). */
  namedWeights(): NamedWeights {
    const out: NamedWeights = {};
    this.weights.forEach((w, i) => (out[`${this.name}/W${i}`] = { shape: w.shape, values: w.dataSync() as Float32Array }));
    this.biases.forEach((b, i) => (out[`${this.name}/b${i}`] = { shape: b.shape, values: b.dataSync() as Float32Array }));
    return out;
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/** Seeds for tfjs' own random ops (reparameterisation noise) drawn from a seeded stream. */
export function tfSeed(rng: Random): number {
  return rng.int(0, 2 ** 31 - 1);
}
