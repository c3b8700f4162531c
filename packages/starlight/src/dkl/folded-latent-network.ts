import { DenseNetwork } from '../model/dense-network.js';
import type { StarlightMetadata } from './starlight.js';

/**
 * `encoder` restricted to its latent mean, with the feature standardisation folded into the first
 * layer (W ← W / std per input row, b ← b − (mean / std)·W) and the latent standardisation into
 * the last (columns of μ only, W ← W / s, b ← (b − m) / s).
 */
export function foldedLatentNetwork(encoder: DenseNetwork, metadata: StarlightMetadata): DenseNetwork {
  const { cols, hidden, latentDim: d, featureMean, featureStd } = metadata.low;
  const weights = encoder.namedWeights();
  const layers = hidden.length + 1;
  const w0 = weights['encoder/W0'].values;
  const b0 = Float32Array.from(weights['encoder/b0'].values);
  const out0 = layers === 1 ? 2 * d : hidden[0];
  const w0f = new Float32Array(w0.length);
  for (let r = 0; r < cols; r++) {
    for (let c = 0; c < out0; c++) {
      w0f[r * out0 + c] = w0[r * out0 + c] / featureStd[r];
      b0[c] -= (featureMean[r] / featureStd[r]) * w0[r * out0 + c];
    }
  }
  weights['encoder/W0'] = { shape: [cols, out0], values: w0f };
  weights['encoder/b0'] = { shape: [out0], values: b0 };
  const last = layers - 1;
  const wl = weights[`encoder/W${last}`].values;
  const bl = weights[`encoder/b${last}`].values;
  const inLast = last === 0 ? cols : hidden[last - 1];
  const wlf = new Float32Array(inLast * d);
  const blf = new Float32Array(d);
  for (let c = 0; c < d; c++) {
    const s = metadata.latentStd[c];
    for (let r = 0; r < inLast; r++) wlf[r * d + c] = wl[r * 2 * d + c] / s;
    blf[c] = (bl[c] - metadata.latentMean[c]) / s;
  }
  weights[`encoder/W${last}`] = { shape: [inLast, d], values: wlf };
  weights[`encoder/b${last}`] = { shape: [d], values: blf };
  return DenseNetwork.fromWeights('encoder', [cols, ...hidden, d], weights);
}
