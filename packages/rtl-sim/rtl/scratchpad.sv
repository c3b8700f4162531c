// Banked scratchpad: ROWS rows of DIM bytes, 4 banks, row r in bank r mod 4.
// One write port (DMA) and one read port (execute unit). Each bank serves one access per
// cycle: the execute unit must not read a bank the DMA writes in the same cycle (it
// stalls; see exec_unit). Reads are synchronous: rd_data is valid the cycle after rd_en.
// Memories are unpacked arrays indexed per row (no whole-array operations), which
// keeps simulation under the Verilator model cheap.
module scratchpad #(
    parameter int DIM  = 16,
    parameter int ROWS = 2097152 / DIM,
    localparam int AW  = $clog2(ROWS)
) (
    input  logic             clk,
    input  logic             wr_en,
    input  logic [AW-1:0]    wr_row,
    input  logic [DIM*8-1:0] wr_data,
    input  logic             rd_en,
    input  logic [AW-1:0]    rd_row,
    output logic [DIM*8-1:0] rd_data
);
  localparam int BANK_ROWS = ROWS / 4;

  logic [DIM*8-1:0] bank_q [4];
  logic [1:0]       rd_bank_q;

  genvar b;
  generate
    for (b = 0; b < 4; b++) begin : g_bank
      logic [DIM*8-1:0] mem [BANK_ROWS];
      always_ff @(posedge clk) begin
        if (wr_en && wr_row[1:0] == b[1:0]) mem[wr_row[AW-1:2]] <= wr_data;
        if (rd_en && rd_row[1:0] == b[1:0]) bank_q[b] <= mem[rd_row[AW-1:2]];
      end
    end
  endgenerate

  always_ff @(posedge clk) if (rd_en) rd_bank_q <= rd_row[1:0];
  assign rd_data = bank_q[rd_bank_q];
endmodule
