export * from './pretraining-samples.js';
export * from './train-starlight.js';
