export { GradientOptimizer, type GradientOptimizerOptions } from './gradient-optimizer.js';
export { DEFAULT_LEARNING_RATE, gradientOptimizerFactory } from './gradient-plugin.js';
export { DRAM_ORDERS, chooseDramOrders } from './dram-orders.js';
