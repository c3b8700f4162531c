// DIM x DIM weight-stationary systolic array with input skew and output de-skew.
//
// Timing (cycle numbers relative to the cycle in which in_vec is presented):
//   row r of in_vec enters PE(r,0) at cycle r (skew of r registers), moves one column
//   per cycle; PE(r,k) works on it at cycle r+k; column k's sum leaves the bottom row
//   at cycle DIM+k and is delayed DIM-1-k cycles, so out_vec holds the whole result
//   y[k] = sum_c W[c][k]*x[c] at cycle 2*DIM-1 (the array latency).
// Weights are double-buffered: w_we (one-hot over rows) writes one row of the SHADOW
// weights per cycle, w_clear zeros all shadow weights. `swap` marks the first vector of a
// new block: it is raised in the cycle before that vector is presented (the cycle of its
// scratchpad read) and travels down the anti-diagonals of the array one cycle per step,
// so PE(r,k) moves its shadow weight into its active weight (and zeroes the shadow) at the
// end of cycle r+k-1, just before the vector reaches it at cycle r+k: every vector meets,
// in every PE, the weights of its own block although PEs switch at different cycles.
// The diagonal line advances every cycle (not only while en is high): the caller raises
// swap only together with a vector, and keeps en high while that vector is in flight.
// A shadow row may be rewritten from the cycle its last PE (column DIM-1) swaps, i.e. a
// write at the end of cycle r+DIM-2 relative to the vector's presentation (the swap then
// still takes the old shadow); the whole shadow may be cleared from cycle 2*DIM-3 on.
// en: the datapath (activations, partial sums, skew/de-skew registers) advances only
// while en is high; the caller holds it high from the cycle a vector is presented until
// its result has been taken (it saves simulation time while the array is idle; timing
// above counts enabled cycles).
module systolic_array #(
    parameter int DIM = 16
) (
    input  logic              clk,
    input  logic              en,
    input  logic              w_clear,
    input  logic [DIM-1:0]    w_we,        // per array row
    input  logic [DIM*8-1:0]  w_data,      // byte k = column k
    input  logic              swap,        // next vector starts the preloaded block
    input  logic [DIM*8-1:0]  in_vec,      // byte c = row c (input channel)
    output logic [DIM*32-1:0] out_vec      // word k = column k
);

  // Interconnect: each PE's outputs are signals local to its generate block and its
  // neighbours refer to them by hierarchical name (g_row[r].g_col[k].a / .p). Compared to
  // 2-D wire arrays this lets the simulator alias port and wire, saving copies per PE.
  // swap line: sw_q[d] is swap delayed by d cycles, for anti-diagonal d = r+k
  logic [2*DIM-2:1] sw_q;
  always_ff @(posedge clk) sw_q <= {sw_q[2*DIM-3:1], swap};

  genvar r, k;
  generate
    // input skew: row r delayed by r cycles
    for (r = 0; r < DIM; r++) begin : g_skew
      logic [7:0] out;
      if (r == 0) begin : g_none
        assign out = in_vec[7:0];
      end else if (r == 1) begin : g_one
        logic [7:0] sr;
        always_ff @(posedge clk) if (en) sr <= in_vec[15:8];
        assign out = sr;
      end else begin : g_many
        logic [8*r-1:0] sr;
        always_ff @(posedge clk) if (en) sr <= {sr[8*r-9:0], in_vec[8*r +: 8]};
        assign out = sr[8*r-1 -: 8];
      end
    end

    for (r = 0; r < DIM; r++) begin : g_row
      for (k = 0; k < DIM; k++) begin : g_col
        logic [7:0]  a_in;      // activation into PE(r,k)
        // activation out of PE(r,k); unused in the last column (leaves the right edge)
        /* verilator lint_off UNUSEDSIGNAL */
        logic [7:0]  a;
        /* verilator lint_on UNUSEDSIGNAL */
        logic [31:0] p_in, p;   // partial sum into / out of PE(r,k)
        if (k == 0) begin : g_left
          assign a_in = g_skew[r].out;
        end else begin : g_inner_a
          assign a_in = g_row[r].g_col[k-1].a;
        end
        if (r == 0) begin : g_top
          assign p_in = 32'd0;
        end else begin : g_inner_p
          assign p_in = g_row[r-1].g_col[k].p;
        end
        logic        sw;        // swap for PE(r,k): diagonal r+k of the swap line
        if (r + k == 0) begin : g_sw0
          assign sw = swap;
        end else begin : g_swd
          assign sw = sw_q[r+k];
        end
        pe u_pe (
            .clk(clk), .en(en), .w_clear(w_clear), .w_we(w_we[r]), .w_in(w_data[8*k +: 8]),
            .swap(sw), .a_in(a_in), .p_in(p_in), .a_out(a), .p_out(p)
        );
      end
    end

    // output de-skew: column k delayed by DIM-1-k cycles
    for (k = 0; k < DIM; k++) begin : g_deskew
      localparam int D = DIM - 1 - k;
      if (D == 0) begin : g_none
        assign out_vec[32*k +: 32] = g_row[DIM-1].g_col[k].p;
      end else if (D == 1) begin : g_one
        logic [31:0] sr;
        always_ff @(posedge clk) if (en) sr <= g_row[DIM-1].g_col[k].p;
        assign out_vec[32*k +: 32] = sr;
      end else begin : g_many
        logic [32*D-1:0] sr;
        always_ff @(posedge clk) if (en) sr <= {sr[32*D-33:0], g_row[DIM-1].g_col[k].p};
        assign out_vec[32*k +: 32] = sr[32*D-1 -: 32];
      end
    end
  endgenerate
endmodule
