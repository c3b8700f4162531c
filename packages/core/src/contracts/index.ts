export * from './evaluator.js';
export * from './optimizer.js';
export * from './performance-model.js';
export * from './store.js';
export * from './mapper.js';
export * from './differentiable-model.js';
