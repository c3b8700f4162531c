// DIM x DIM weight-stationary systolic array with input skew and output de-skew.
//
// Timing (cycle numbers relative to the cycle in which in_vec is presented):
//   row r of in_vec enters PE(r,0) at cycle r (skew of r registers), moves one column
//   per cycle; PE(r,k) works on it at cycle r+k; column k's sum leaves the bottom row
//   at cycle DIM+k and is delayed DIM-1-k cycles, so out_vec holds the whole result
//   y[k] = sum_c W[c][k]*x[c] at cycle 2*DIM-1 (the array latency).
// Weights are written one array row per cycle (w_we one-hot over rows); w_clear zeros
// all weights. The caller must not change weights while vectors are in flight.
module systolic_array #(
    parameter int DIM = 16
) (
    input  logic              clk,
    input  logic              w_clear,
    input  logic [DIM-1:0]    w_we,        // per array row
    input  logic [DIM*8-1:0]  w_data,      // byte k = column k
    input  logic [DIM*8-1:0]  in_vec,      // byte c = row c (input channel)
    output logic [DIM*32-1:0] out_vec      // word k = column k
);

  // activations between columns: act[r][k] is the input of PE(r,k); act[r][DIM] unused
  logic [7:0]  act  [DIM][DIM+1];
  // partial sums between rows: ps[r][k] is the input of PE(r,k); ps[DIM][k] is the bottom
  logic [31:0] ps   [DIM+1][DIM];

  genvar r, k;
  generate
    // input skew: row r delayed by r cycles
    for (r = 0; r < DIM; r++) begin : g_skew
      if (r == 0) begin : g_none
        assign act[0][0] = in_vec[7:0];
      end else if (r == 1) begin : g_one
        logic [7:0] sr;
        always_ff @(posedge clk) sr <= in_vec[15:8];
        assign act[1][0] = sr;
      end else begin : g_many
        logic [8*r-1:0] sr;
        always_ff @(posedge clk) sr <= {sr[8*r-9:0], in_vec[8*r +: 8]};
        assign act[r][0] = sr[8*r-1 -: 8];
      end
    end

    for (k = 0; k < DIM; k++) begin : g_top
      assign ps[0][k] = 32'd0;
    end

    for (r = 0; r < DIM; r++) begin : g_row
      for (k = 0; k < DIM; k++) begin : g_col
        pe u_pe (
            .clk(clk), .w_clear(w_clear), .w_we(w_we[r]), .w_in(w_data[8*k +: 8]),
            .a_in(act[r][k]), .p_in(ps[r][k]),
            .a_out(act[r][k+1]), .p_out(ps[r+1][k])
        );
      end
    end

    // output de-skew: column k delayed by DIM-1-k cycles
    for (k = 0; k < DIM; k++) begin : g_deskew
      localparam int D = DIM - 1 - k;
      if (D == 0) begin : g_none
        assign out_vec[32*k +: 32] = ps[DIM][k];
      end else if (D == 1) begin : g_one
        logic [31:0] sr;
        always_ff @(posedge clk) sr <= ps[DIM][k];
        assign out_vec[32*k +: 32] = sr;
      end else begin : g_many
        logic [32*D-1:0] sr;
        always_ff @(posedge clk) sr <= {sr[32*D-33:0], ps[DIM][k]};
        assign out_vec[32*k +: 32] = sr[32*D-1 -: 32];
      end
    end
  endgenerate

  // act[r][DIM] (the activation leaving the right edge) is intentionally unused.
  /* verilator lint_off UNUSEDSIGNAL */
  logic [7:0] unused_right;
  /* verilator lint_on UNUSEDSIGNAL */
  assign unused_right = act[DIM-1][DIM];
endmodule
