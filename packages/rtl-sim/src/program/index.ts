/**
 * The program generator: lowers a layer with a mapping to the accelerator's ISA
 * (docs/isa.md), builds its DRAM image and expected outputs, writes the three text files, and
 * checks it all on a functional reference machine.
 */
export * from './isa.js';
export * from './dram-layout.js';
export * from './reference-conv.js';
export { type NestLoop, type LoopNest, buildLoopNest } from './loop-nest.js';
export { type ProgramLayout, type TensorAllocation, ProgramCapacityError, rowCapacityProblem } from './tile-plan.js';
export * from './generate-program.js';
export * from './program-size.js';
export * from './program-format.js';
export * from './reference-machine.js';
