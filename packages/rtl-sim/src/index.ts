/**
 * @polaris/rtl-sim — the RTL fidelity (plugin "rtl"): a parameterised Gemmini-template
 * accelerator in SystemVerilog simulated under Verilator. Not built yet: see the RTL fidelity
 * issue. Nothing is exported until it is real.
 */
export {};
