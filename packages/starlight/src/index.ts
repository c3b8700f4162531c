/**
 * @polaris/starlight — the Starlight transfer-learned performance model (plugin "starlight").
 *
 * TensorFlow.js backend selection (tfjs-node → WASM → CPU), the versioned featurizer shared by
 * every model here, Starlight-Low (VAE encoder pretrained on analytical samples), Starlight
 * (deep kernel learning: the encoder as the feature map of exact ARD GPs on the residual over
 * the analytical model, fine-tuned on few high-fidelity samples, with σ), DOSA's predictor as the
 * baseline, the datasets, metrics, the Starlight training workflow (`trainStarlight`), both
 * models as core PerformanceModels (`StarlightPerformanceModel`, `DosaPerformanceModel`) and the
 * `starlight` plugin (the surrogate evaluator and the `starlight` / `dosa` model factories).
 */
export * from './backend/index.js';
export * from './features/index.js';
export * from './dosa/index.js';
export * from './gp/index.js';
export * from './datasets/index.js';
export * from './model/index.js';
export * from './low/index.js';
export * from './dkl/index.js';
export * from './prediction-pool/index.js';
export * from './metrics/index.js';
export * from './surrogate/index.js';
export * from './training/index.js';
export * from './performance/index.js';
