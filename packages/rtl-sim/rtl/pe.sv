// Processing element of the weight-stationary systolic array.
// Holds one int8 weight; each cycle passes its int8 activation to the right and
// adds weight*activation (int32) to the partial sum coming from above.
module pe (
    input  logic        clk,
    input  logic        en,        // advance the datapath (weights load regardless)
    input  logic        w_clear,   // zero the weight (start of a PRELOAD)
    input  logic        w_we,      // load w_in into the weight register
    input  logic [7:0]  w_in,
    input  logic [7:0]  a_in,      // activation from the left
    input  logic [31:0] p_in,      // partial sum from above
    output logic [7:0]  a_out,     // activation to the right (registered)
    output logic [31:0] p_out      // partial sum downwards (registered)
);
  logic [7:0]  w;
  logic [15:0] prod;

  // int8 x int8: the low 16 bits of the product of the sign-extended operands are the
  // signed product (written as an unsigned multiply: cheaper to simulate).
  assign prod = {{8{a_in[7]}}, a_in} * {{8{w[7]}}, w};

  always_ff @(posedge clk) begin
    if (w_clear)   w <= 8'd0;
    else if (w_we) w <= w_in;
    if (en) begin
      a_out <= a_in;
      p_out <= p_in + {{16{prod[15]}}, prod};
    end
  end
endmodule
