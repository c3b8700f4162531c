// Accumulator: ROWS rows of DIM int32 words.
// Ports: execute write (overwrite or read-add-write in one cycle), DMA write (word mask,
// for MVIN_ACC chunks), store read (synchronous: st_rd_data valid the cycle after st_rd_en).
// The execute write has priority; the DMA never writes in a cycle the execute unit does
// (it back-pressures the DRAM response port instead), so the two never collide.
module accumulator #(
    parameter int DIM  = 16,
    parameter int ROWS = 524288 / DIM,
    localparam int AW  = $clog2(ROWS)
) (
    input  logic              clk,
    // execute unit
    input  logic              ex_we,
    input  logic              ex_add,
    input  logic [AW-1:0]     ex_row,
    input  logic [DIM*32-1:0] ex_data,
    // DMA (MVIN_ACC)
    input  logic              dma_we,
    input  logic [AW-1:0]     dma_row,
    input  logic [DIM-1:0]    dma_mask,   // per int32 word
    input  logic [DIM*32-1:0] dma_data,
    // store unit (MVOUT)
    input  logic              st_rd_en,
    input  logic [AW-1:0]     st_rd_row,
    output logic [DIM*32-1:0] st_rd_data
);
  logic [DIM*32-1:0] mem [ROWS];

  always_ff @(posedge clk) begin
    if (ex_we) begin
      if (ex_add) begin
        for (int i = 0; i < DIM; i++)
          mem[ex_row][32*i +: 32] <= mem[ex_row][32*i +: 32] + ex_data[32*i +: 32];
      end else begin
        mem[ex_row] <= ex_data;
      end
    end else if (dma_we) begin
      for (int i = 0; i < DIM; i++)
        if (dma_mask[i]) mem[dma_row][32*i +: 32] <= dma_data[32*i +: 32];
    end
    if (st_rd_en) st_rd_data <= mem[st_rd_row];
  end
endmodule
