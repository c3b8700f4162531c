// Processing element of the weight-stationary systolic array.
// Holds two int8 weights: the active one `w`, used by the MACs, and a shadow `ws`, into
// which the next block is preloaded while vectors of the current block still flow. Each
// cycle it passes its int8 activation to the right and adds w*activation (int32) to the
// partial sum coming from above.
// `swap` (high in the cycle BEFORE the first vector of the new block reaches this PE)
// moves the shadow into the active register and zeroes the shadow, so a later PRELOAD of
// fewer rows leaves the rows it does not write at zero. A shadow write in the same cycle
// as the swap wins over its clear (the active register still takes the old shadow).
module pe (
    input  logic        clk,
    input  logic        en,        // advance the datapath (weights load regardless)
    input  logic        w_clear,   // zero the shadow weight
    input  logic        w_we,      // load w_in into the shadow weight
    input  logic [7:0]  w_in,
    input  logic        swap,      // active <= shadow, shadow <= 0
    input  logic [7:0]  a_in,      // activation from the left
    input  logic [31:0] p_in,      // partial sum from above
    output logic [7:0]  a_out,     // activation to the right (registered)
    output logic [31:0] p_out      // partial sum downwards (registered)
);
  logic [7:0]  w, ws;
  logic [15:0] prod;

  // int8 x int8: the low 16 bits of the product of the sign-extended operands are the
  // signed product (written as an unsigned multiply: cheaper to simulate).
  assign prod = {{8{a_in[7]}}, a_in} * {{8{w[7]}}, w};

  always_ff @(posedge clk) begin
    if (swap) w <= ws;
    if (w_we)                  ws <= w_in;
    else if (w_clear || swap)  ws <= 8'd0;
    if (en) begin
      a_out <= a_in;
      p_out <= p_in + {{16{prod[15]}}, prod};
    end
  end
endmodule
