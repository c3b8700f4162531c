// Execute unit: PRELOAD and COMPUTE, in order, one instruction at a time.
//
// PRELOAD: waits until no vector is in flight in the array (stall_pipe), clears all
// weights, then reads its c scratchpad rows one per cycle and writes them into array rows
// 0..c-1, bytes >= k masked to zero. Done when the last row is written.
// COMPUTE: reads one scratchpad row per cycle (spRow + i*spStride) and streams it into
// the array; consecutive COMPUTEs under the same weights stream back to back. A vector
// read in cycle t reaches the accumulator write stage at cycle t + 2*DIM (sp read
// register + array latency 2*DIM-1), tracked by a small FIFO of (due cycle, acc row,
// accumulate, last, ROB index). The write stage overwrites or adds (read-add-write in one
// cycle). Done when the last vector is written.
// Bank conflicts: the DMA's scratchpad write has priority; a read of the same bank in
// the same cycle waits (stall_bank).
module exec_unit #(
    parameter int DIM    = 16,
    parameter int SP_AW  = 17,
    parameter int ACC_AW = 15
) (
    input  logic              clk,
    input  logic              rst,
    input  logic              ex_valid,
    input  logic [127:0]      ex_instr,
    input  logic [3:0]        ex_rob,
    output logic              ex_ready,
    // scratchpad read port
    output logic              sp_rd_en,
    output logic [SP_AW-1:0]  sp_rd_row,
    input  logic [DIM*8-1:0]  sp_rd_data,
    input  logic              dma_sp_we,
    input  logic [1:0]        dma_sp_bank,
    // systolic array
    output logic              array_en,
    output logic              w_clear,
    output logic [DIM-1:0]    w_we,
    output logic [DIM*8-1:0]  w_data,
    output logic [DIM*8-1:0]  in_vec,
    input  logic [DIM*32-1:0] out_vec,
    // accumulator write
    output logic              acc_we,
    output logic              acc_add,
    output logic [ACC_AW-1:0] acc_row,
    output logic [DIM*32-1:0] acc_data,
    // completion
    output logic              done_valid,
    output logic [3:0]        done_rob,
    // status for the event counters
    output logic              vec_issue,
    output logic [13:0]       vec_macs,
    output logic              preload_start,
    output logic              stall_bank,
    output logic              stall_pipe,
    output logic              busy
);
  localparam logic [7:0] OP_PRELOAD = 8'd4;
  localparam int LAT  = 2 * DIM;
  localparam int FD   = 2 ** $clog2(LAT + 2);
  localparam int FAW  = $clog2(FD);

  typedef enum logic [1:0] { S_IDLE, S_PRE, S_COMP } state_t;
  state_t      state;
  logic [3:0]  rob_q;
  logic [15:0] idx, cnt;
  logic [31:0] sp_cur, acc_cur;
  logic [15:0] sp_stride, acc_stride;
  logic        accf;
  logic [6:0]  cur_c, cur_k;       // shape of the weights in the array (for macs)
  logic [DIM*8-1:0] kmask;         // byte mask of the k columns being preloaded
  logic        conflict, fifo_empty, start;

  // pending weight-row write (sp data arrives one cycle after the read)
  logic        wp_valid, wp_last;
  logic [$clog2(DIM+1)-1:0] wp_row;
  logic [3:0]  wp_rob;

  // in-flight vector FIFO
  logic [31:0]       now;
  logic [31:0]       f_due  [FD];
  logic [ACC_AW-1:0] f_row  [FD];
  logic              f_add  [FD];
  logic              f_last [FD];
  logic [3:0]        f_rob  [FD];
  logic [FAW-1:0]    f_head, f_tail;
  logic [FAW:0]      f_count;
  logic              pop, push;

  /* verilator lint_off UNUSEDSIGNAL */
  logic unused_bits;  // row address bits above the physical size (checked at fetch), width of COMPUTE
  /* verilator lint_on UNUSEDSIGNAL */
  assign unused_bits = ^{sp_cur[31:SP_AW], acc_cur[31:ACC_AW], ex_instr[15:9] & {7{ex_instr[7:0] != OP_PRELOAD}}};

  assign ex_ready   = (state == S_IDLE);
  assign start      = ex_valid && ex_ready;
  assign fifo_empty = (f_count == '0);
  assign conflict   = dma_sp_we && dma_sp_bank == sp_cur[1:0];
  assign sp_rd_row  = sp_cur[SP_AW-1:0];
  assign sp_rd_en   = ((state == S_PRE && fifo_empty) || state == S_COMP) && !conflict;
  assign push       = (state == S_COMP) && !conflict;
  assign vec_issue  = push;
  assign vec_macs   = cur_c * cur_k;
  assign preload_start = start && ex_instr[7:0] == OP_PRELOAD;
  assign stall_bank = (state == S_COMP || (state == S_PRE && fifo_empty)) && conflict;
  assign stall_pipe = (state == S_PRE) && !fifo_empty;
  assign busy       = (state != S_IDLE) || !fifo_empty || wp_valid;

  // array side
  // a vector read in cycle t is presented at t+1 and written at t+2*DIM: the FIFO is
  // non-empty over exactly that span
  assign array_en = !fifo_empty;
  assign w_clear = (state == S_PRE) && fifo_empty && idx == 16'd0;
  assign w_data  = sp_rd_data & kmask;
  assign in_vec  = sp_rd_data;
  always_comb begin
    for (int r = 0; r < DIM; r++) w_we[r] = wp_valid && wp_row == r[$clog2(DIM+1)-1:0];
  end

  // write stage
  assign pop      = !fifo_empty && f_due[f_head] == now;
  assign acc_we   = pop;
  assign acc_add  = f_add[f_head];
  assign acc_row  = f_row[f_head];
  assign acc_data = out_vec;

  always_comb begin
    if (wp_valid && wp_last) begin
      done_valid = 1'b1;
      done_rob   = wp_rob;
    end else begin
      done_valid = pop && f_last[f_head];
      done_rob   = f_rob[f_head];
    end
  end

  always_ff @(posedge clk) begin
    if (rst) begin
      state    <= S_IDLE;
      wp_valid <= 1'b0;
      f_head   <= '0;
      f_tail   <= '0;
      f_count  <= '0;
      now      <= 32'd0;
      cur_c    <= 7'd0;
      cur_k    <= 7'd0;
    end else begin
      now <= now + 32'd1;
      wp_valid <= 1'b0;
      case (state)
        S_IDLE: if (start) begin
          rob_q      <= ex_rob;
          idx        <= 16'd0;
          cnt        <= ex_instr[31:16];
          sp_cur     <= ex_instr[63:32];
          acc_cur    <= ex_instr[95:64];
          sp_stride  <= ex_instr[111:96];
          acc_stride <= ex_instr[127:112];
          accf       <= ex_instr[8];
          if (ex_instr[7:0] == OP_PRELOAD) begin
            state <= S_PRE;
            cur_c <= ex_instr[22:16];
            cur_k <= ex_instr[15:9];
            for (int k = 0; k < DIM; k++) kmask[8*k +: 8] <= (7'(k) < ex_instr[15:9]) ? 8'hff : 8'h00;
          end else begin
            state <= S_COMP;
          end
        end
        S_PRE: if (fifo_empty && !conflict) begin
          wp_valid <= 1'b1;
          wp_row   <= idx[$clog2(DIM+1)-1:0];
          wp_last  <= (idx + 16'd1 == cnt);
          wp_rob   <= rob_q;
          idx      <= idx + 16'd1;
          sp_cur   <= sp_cur + 32'd1;
          if (idx + 16'd1 == cnt) state <= S_IDLE;
        end
        S_COMP: if (!conflict) begin
          idx     <= idx + 16'd1;
          sp_cur  <= sp_cur + {16'd0, sp_stride};
          acc_cur <= acc_cur + {16'd0, acc_stride};
          if (idx + 16'd1 == cnt) state <= S_IDLE;
        end
        default: state <= S_IDLE;
      endcase

      if (push) begin
        f_due[f_tail]  <= now + LAT;
        f_row[f_tail]  <= acc_cur[ACC_AW-1:0];
        f_add[f_tail]  <= accf;
        f_last[f_tail] <= (idx + 16'd1 == cnt);
        f_rob[f_tail]  <= rob_q;
        f_tail <= f_tail + 1'b1;
      end
      if (pop) f_head <= f_head + 1'b1;
      f_count <= f_count + {{FAW{1'b0}}, push} - {{FAW{1'b0}}, pop};
    end
  end
endmodule
