// Execute unit: PRELOAD and COMPUTE, in order, one instruction at a time.
//
// PRELOAD: reads its c scratchpad rows one per cycle and writes them into rows 0..c-1 of
// the array's SHADOW weights, bytes >= k masked to zero, while vectors of the current
// block may still be in flight. Shadow row r is written only once the last swap has
// passed the whole of array row r (the swap zeroes the shadow behind it, so rows >= c are
// already zero); waiting for that is stall_pipe. If the shadow was written since the last
// swap (PRELOAD after PRELOAD, or the first PRELOAD after reset) the PRELOAD first clears
// the whole shadow, once the last swap has left the array. Done when the last row is
// written.
// COMPUTE: reads one scratchpad row per cycle (spRow + i*spStride) and streams it into
// the array. The first vector after a PRELOAD raises `swap` in its read cycle: the array
// moves each PE's shadow weight into its active weight just before that vector reaches
// the PE, so vectors of the old and the new block can be in flight together. A vector
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
    output logic              swap,
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
  // cycles from the swap vector's read to the last PE's swap: row r's last PE swaps at the
  // end of cycle r+DIM-1 after the read, so a row-r write (data one cycle after its read)
  // may be read at age >= r+DIM-2; the whole shadow may be cleared at age >= 2*DIM-2
  localparam int AGE_MAX = 2 * DIM - 2;

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
  // weight double-buffering
  logic [7:0]  sw_age;       // cycles since the last swap vector's read (saturating)
  logic        swap_pend;    // a PRELOAD happened since the last swap
  logic        sh_dirty;     // the shadow may hold rows written since the last swap
  logic        need_clear, pre_safe;

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
  logic              pop, push, pop_last, wp_done;
  logic              pd_valid;     // a PRELOAD completion waiting for the done port
  logic [3:0]        pd_rob;

  /* verilator lint_off UNUSEDSIGNAL */
  logic unused_bits;  // row address bits above the physical size (checked at fetch), width of COMPUTE
  /* verilator lint_on UNUSEDSIGNAL */
  assign unused_bits = ^{sp_cur[31:SP_AW], acc_cur[31:ACC_AW], ex_instr[15:9] & {7{ex_instr[7:0] != OP_PRELOAD}}};

  assign ex_ready   = (state == S_IDLE);
  assign start      = ex_valid && ex_ready;
  assign fifo_empty = (f_count == '0);
  assign conflict   = dma_sp_we && dma_sp_bank == sp_cur[1:0];
  assign sp_rd_row  = sp_cur[SP_AW-1:0];
  assign need_clear = sh_dirty && idx == 16'd0;
  assign pre_safe   = need_clear ? (sw_age >= 8'(AGE_MAX))
                                 : ({1'b0, sw_age} >= {2'b0, idx[6:0]} + 9'(DIM - 2));
  assign sp_rd_en   = ((state == S_PRE && pre_safe) || state == S_COMP) && !conflict;
  assign push       = (state == S_COMP) && !conflict;
  assign swap       = push && swap_pend;
  assign vec_issue  = push;
  assign vec_macs   = cur_c * cur_k;
  assign preload_start = start && ex_instr[7:0] == OP_PRELOAD;
  assign stall_bank = (state == S_COMP || (state == S_PRE && pre_safe)) && conflict;
  assign stall_pipe = (state == S_PRE) && !pre_safe;
  assign busy       = (state != S_IDLE) || !fifo_empty || wp_valid || pd_valid;

  // array side
  // a vector read in cycle t is presented at t+1 and written at t+2*DIM: the FIFO is
  // non-empty over exactly that span
  assign array_en = !fifo_empty;
  assign w_clear = (state == S_PRE) && pre_safe && need_clear;
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

  // One completion per cycle. A PRELOAD may now finish in the cycle a COMPUTE's last
  // vector is written; the COMPUTE reports first and the PRELOAD one cycle later (pd_*).
  // Last-vector writes are at least two cycles apart, and so are PRELOAD completions.
  assign pop_last = pop && f_last[f_head];
  assign wp_done  = wp_valid && wp_last;
  always_comb begin
    if (pop_last) begin
      done_valid = 1'b1;
      done_rob   = f_rob[f_head];
    end else if (pd_valid) begin
      done_valid = 1'b1;
      done_rob   = pd_rob;
    end else begin
      done_valid = wp_done;
      done_rob   = wp_rob;
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
      // as if a swap had just been read: the array's swap line (not reset) has shifted out
      // whatever it held before the first PRELOAD (which clears the shadow) writes
      sw_age    <= 8'd0;
      swap_pend <= 1'b0;
      sh_dirty  <= 1'b1;
      pd_valid  <= 1'b0;
    end else begin
      if (wp_done && (pop_last || pd_valid)) begin
        pd_valid <= 1'b1;
        pd_rob   <= wp_rob;
      end else if (!pop_last) begin
        pd_valid <= 1'b0;
      end
      now <= now + 32'd1;
      wp_valid <= 1'b0;
      if (swap) begin
        sw_age    <= 8'd1;
        swap_pend <= 1'b0;
        sh_dirty  <= 1'b0;
      end else if (sw_age != 8'(AGE_MAX)) begin
        sw_age <= sw_age + 8'd1;
      end
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
            swap_pend <= 1'b1;
            cur_c <= ex_instr[22:16];
            cur_k <= ex_instr[15:9];
            for (int k = 0; k < DIM; k++) kmask[8*k +: 8] <= (7'(k) < ex_instr[15:9]) ? 8'hff : 8'h00;
          end else begin
            state <= S_COMP;
          end
        end
        S_PRE: if (pre_safe && !conflict) begin
          sh_dirty <= 1'b1;
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
