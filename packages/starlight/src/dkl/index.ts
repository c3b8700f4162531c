export * from './latent-gp.js';
export * from './starlight.js';
