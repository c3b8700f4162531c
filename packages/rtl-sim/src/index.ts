/**
 * @polaris/rtl-sim — the RTL fidelity (plugin "rtl"): a parameterised Gemmini-template
 * accelerator in SystemVerilog simulated under Verilator. Exported so far: the program
 * generator (a layer + mapping lowered to the accelerator's ISA, its DRAM image, expected
 * outputs and text files), its functional reference machine, and the `rtl` evaluator
 * ({@link RtlEvaluator}, its options and energy pricing).
 */
export * from './program/index.js';
export * from './plugin/index.js';
