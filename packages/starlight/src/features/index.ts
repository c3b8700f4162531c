export * from './featurizer.js';
