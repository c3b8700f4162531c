// Top level of the rtl-sim accelerator (see docs/isa.md).
//
// Ports (all synchronous to clk; the harness drives inputs before the rising edge and
// samples outputs combinationally before it):
//   instruction port  in_valid / in_ready / in_instr = {w3, w2, w1, w0} (w0 in [31:0])
//   run-time config   cfg_bus_bytes (1..64), cfg_max_inflight (1..255)
//   DRAM request      req_valid (no ready: the harness accepts every request),
//                     req_write, req_addr (byte), req_bytes (1..64), req_wdata (byte i in
//                     [8i+7:8i]), req_tag (echoed in the response)
//   DRAM response     resp_valid / resp_ready, resp_tag, resp_rdata (byte i in [8i+7:8i];
//                     ignored for write acknowledges). Every request gets exactly one
//                     response: read data, or a write acknowledge.
//   status            idle (ROB empty: every fetched instruction finished), error_code
//                     (non-zero: machine stopped), error_index (instruction number)
//   counters          cnt_* : 64-bit event counters named as in isa.md
module accel #(
    parameter int DIM = 16
) (
    input  logic         clk,
    input  logic         rst,
    input  logic         in_valid,
    output logic         in_ready,
    input  logic [127:0] in_instr,
    input  logic [7:0]   cfg_bus_bytes,
    input  logic [7:0]   cfg_max_inflight,
    output logic         req_valid,
    output logic         req_write,
    output logic [31:0]  req_addr,
    output logic [6:0]   req_bytes,
    output logic [511:0] req_wdata,
    output logic [63:0]  req_tag,
    input  logic         resp_valid,
    output logic         resp_ready,
    input  logic [63:0]  resp_tag,
    input  logic [511:0] resp_rdata,
    output logic         idle,
    output logic [3:0]   error_code,
    output logic [31:0]  error_index,
    output logic [63:0]  cnt_macs,
    output logic [63:0]  cnt_instructions,
    output logic [63:0]  cnt_sp_reads,
    output logic [63:0]  cnt_sp_writes,
    output logic [63:0]  cnt_sp_bank_reads0, cnt_sp_bank_reads1, cnt_sp_bank_reads2, cnt_sp_bank_reads3,
    output logic [63:0]  cnt_sp_bank_writes0, cnt_sp_bank_writes1, cnt_sp_bank_writes2, cnt_sp_bank_writes3,
    output logic [63:0]  cnt_acc_reads,
    output logic [63:0]  cnt_acc_writes,
    output logic [63:0]  cnt_dram_read_bytes,
    output logic [63:0]  cnt_dram_write_bytes,
    output logic [63:0]  cnt_dram_requests,
    output logic [63:0]  cnt_preload_weight_loads,
    output logic [63:0]  cnt_stall_dma_wait,
    output logic [63:0]  cnt_stall_bank_conflict,
    output logic [63:0]  cnt_stall_queue_full,
    output logic [63:0]  cnt_stall_dependency,
    output logic [63:0]  cnt_stall_pipeline,
    output logic [63:0]  cnt_busy_load,
    output logic [63:0]  cnt_busy_execute,
    output logic [63:0]  cnt_busy_store
);
  localparam int SP_ROWS  = 2097152 / DIM;        // 2 MiB of DIM-byte rows
  localparam int ACC_ROWS = 2097152 / (4 * DIM);  // 2 MiB of DIM x int32 rows
  localparam int SP_AW    = $clog2(SP_ROWS);
  localparam int ACC_AW   = $clog2(ACC_ROWS);

  // controller <-> units
  logic         ld_valid, ld_ready, ex_valid, ex_ready, st_valid, st_ready;
  logic [127:0] ld_instr, ex_instr, st_instr;
  logic [3:0]   ld_rob, ex_rob, st_rob;
  logic         dma_done, ex_done;
  logic [3:0]   dma_done_rob, ex_done_rob;
  logic         fetch_fire, stall_rob_full;
  logic [1:0]   stall_dep_count;
  logic [4:0]   cfg_shift;

  // memories
  logic              sp_we, sp_rd_en;
  logic [SP_AW-1:0]  sp_wr_row, sp_rd_row;
  logic [DIM*8-1:0]  sp_wr_data, sp_rd_data;
  logic              ex_acc_we, ex_acc_add, dma_acc_we, acc_rd_en;
  logic [ACC_AW-1:0] ex_acc_row, dma_acc_row, acc_rd_row;
  logic [DIM*32-1:0] ex_acc_data, dma_acc_data, acc_rd_data;
  logic [DIM-1:0]    dma_acc_mask;

  // array
  logic              w_clear, array_en, w_swap;
  logic [DIM-1:0]    w_we;
  logic [DIM*8-1:0]  w_data, in_vec;
  logic [DIM*32-1:0] out_vec;

  // status
  logic        ld_stall, st_stall, ld_busy, st_busy, acc_row_written;
  logic        vec_issue, preload_start, stall_bank, stall_pipe, ex_busy;
  logic [13:0] vec_macs;

  controller #(.DIM(DIM), .SP_ROWS(SP_ROWS), .ACC_ROWS(ACC_ROWS)) u_ctrl (
      .clk, .rst, .in_valid, .in_instr, .in_ready,
      .ld_valid, .ld_instr, .ld_rob, .ld_ready,
      .ex_valid, .ex_instr, .ex_rob, .ex_ready,
      .st_valid, .st_instr, .st_rob, .st_ready,
      .done_a_valid(dma_done), .done_a_rob(dma_done_rob),
      .done_b_valid(ex_done), .done_b_rob(ex_done_rob),
      .idle, .error_code, .error_index, .fetch_fire, .stall_rob_full, .stall_dep_count, .cfg_shift);

  dma #(.DIM(DIM), .SP_AW(SP_AW), .ACC_AW(ACC_AW)) u_dma (
      .clk, .rst, .cfg_bus_bytes, .cfg_max_inflight, .cfg_shift,
      .ld_valid, .ld_instr, .ld_rob, .ld_ready,
      .st_valid, .st_instr, .st_rob, .st_ready,
      .req_valid, .req_write, .req_addr, .req_bytes, .req_wdata, .req_tag,
      .resp_valid, .resp_ready, .resp_tag, .resp_rdata,
      .sp_we, .sp_row(sp_wr_row), .sp_data(sp_wr_data),
      .ex_acc_we, .acc_we(dma_acc_we), .acc_row(dma_acc_row), .acc_mask(dma_acc_mask),
      .acc_data(dma_acc_data), .acc_rd_en, .acc_rd_row, .acc_rd_data,
      .done_valid(dma_done), .done_rob(dma_done_rob),
      .ld_stall, .st_stall, .ld_busy, .st_busy, .acc_row_written);

  exec_unit #(.DIM(DIM), .SP_AW(SP_AW), .ACC_AW(ACC_AW)) u_exec (
      .clk, .rst, .ex_valid, .ex_instr, .ex_rob, .ex_ready,
      .sp_rd_en, .sp_rd_row, .sp_rd_data,
      .dma_sp_we(sp_we), .dma_sp_bank(sp_wr_row[1:0]),
      .array_en, .w_clear, .w_we, .w_data, .swap(w_swap), .in_vec, .out_vec,
      .acc_we(ex_acc_we), .acc_add(ex_acc_add), .acc_row(ex_acc_row), .acc_data(ex_acc_data),
      .done_valid(ex_done), .done_rob(ex_done_rob),
      .vec_issue, .vec_macs, .preload_start, .stall_bank, .stall_pipe, .busy(ex_busy));

  scratchpad #(.DIM(DIM), .ROWS(SP_ROWS)) u_sp (
      .clk, .wr_en(sp_we), .wr_row(sp_wr_row), .wr_data(sp_wr_data),
      .rd_en(sp_rd_en), .rd_row(sp_rd_row), .rd_data(sp_rd_data));

  accumulator #(.DIM(DIM), .ROWS(ACC_ROWS)) u_acc (
      .clk, .ex_we(ex_acc_we), .ex_add(ex_acc_add), .ex_row(ex_acc_row), .ex_data(ex_acc_data),
      .dma_we(dma_acc_we), .dma_row(dma_acc_row), .dma_mask(dma_acc_mask), .dma_data(dma_acc_data),
      .st_rd_en(acc_rd_en), .st_rd_row(acc_rd_row), .st_rd_data(acc_rd_data));

  systolic_array #(.DIM(DIM)) u_array (
      .clk, .en(array_en), .w_clear, .w_we, .w_data, .swap(w_swap), .in_vec, .out_vec);

  // ---------------- event counters ----------------
  always_ff @(posedge clk) begin
    if (rst) begin
      cnt_macs <= '0; cnt_instructions <= '0; cnt_sp_reads <= '0; cnt_sp_writes <= '0;
      cnt_sp_bank_reads0 <= '0; cnt_sp_bank_reads1 <= '0; cnt_sp_bank_reads2 <= '0; cnt_sp_bank_reads3 <= '0;
      cnt_sp_bank_writes0 <= '0; cnt_sp_bank_writes1 <= '0; cnt_sp_bank_writes2 <= '0; cnt_sp_bank_writes3 <= '0;
      cnt_acc_reads <= '0; cnt_acc_writes <= '0;
      cnt_dram_read_bytes <= '0; cnt_dram_write_bytes <= '0; cnt_dram_requests <= '0;
      cnt_preload_weight_loads <= '0;
      cnt_stall_dma_wait <= '0; cnt_stall_bank_conflict <= '0; cnt_stall_queue_full <= '0;
      cnt_stall_dependency <= '0; cnt_stall_pipeline <= '0;
      cnt_busy_load <= '0; cnt_busy_execute <= '0; cnt_busy_store <= '0;
    end else begin
      if (vec_issue) cnt_macs <= cnt_macs + 64'(vec_macs);
      if (fetch_fire) cnt_instructions <= cnt_instructions + 64'd1;
      if (sp_rd_en) begin
        cnt_sp_reads <= cnt_sp_reads + 64'd1;
        case (sp_rd_row[1:0])
          2'd0: cnt_sp_bank_reads0 <= cnt_sp_bank_reads0 + 64'd1;
          2'd1: cnt_sp_bank_reads1 <= cnt_sp_bank_reads1 + 64'd1;
          2'd2: cnt_sp_bank_reads2 <= cnt_sp_bank_reads2 + 64'd1;
          default: cnt_sp_bank_reads3 <= cnt_sp_bank_reads3 + 64'd1;
        endcase
      end
      if (sp_we) begin
        cnt_sp_writes <= cnt_sp_writes + 64'd1;
        case (sp_wr_row[1:0])
          2'd0: cnt_sp_bank_writes0 <= cnt_sp_bank_writes0 + 64'd1;
          2'd1: cnt_sp_bank_writes1 <= cnt_sp_bank_writes1 + 64'd1;
          2'd2: cnt_sp_bank_writes2 <= cnt_sp_bank_writes2 + 64'd1;
          default: cnt_sp_bank_writes3 <= cnt_sp_bank_writes3 + 64'd1;
        endcase
      end
      cnt_acc_reads  <= cnt_acc_reads + 64'(acc_rd_en) + 64'(ex_acc_we && ex_acc_add);
      cnt_acc_writes <= cnt_acc_writes + 64'(ex_acc_we) + 64'(acc_row_written);
      if (req_valid) begin
        cnt_dram_requests <= cnt_dram_requests + 64'd1;
        if (req_write) cnt_dram_write_bytes <= cnt_dram_write_bytes + 64'(req_bytes);
        else           cnt_dram_read_bytes  <= cnt_dram_read_bytes + 64'(req_bytes);
      end
      if (preload_start) cnt_preload_weight_loads <= cnt_preload_weight_loads + 64'd1;
      cnt_stall_dma_wait      <= cnt_stall_dma_wait + 64'(ld_stall) + 64'(st_stall);
      cnt_stall_bank_conflict <= cnt_stall_bank_conflict + 64'(stall_bank);
      cnt_stall_queue_full    <= cnt_stall_queue_full + 64'(stall_rob_full);
      cnt_stall_dependency    <= cnt_stall_dependency + 64'(stall_dep_count);
      cnt_stall_pipeline      <= cnt_stall_pipeline + 64'(stall_pipe);
      cnt_busy_load    <= cnt_busy_load + 64'(ld_busy);
      cnt_busy_execute <= cnt_busy_execute + 64'(ex_busy);
      cnt_busy_store   <= cnt_busy_store + 64'(st_busy);
    end
  end
endmodule
