// Controller: instruction fetch/decode, 16-entry reorder buffer, three in-order queues
// (load: MVIN/MVIN_ACC, execute: PRELOAD/COMPUTE, store: MVOUT) and the dependency rule.
//
// Fetch: the instruction port fills a one-entry fetch buffer (so nothing downstream depends
// combinationally on the port: in_ready is a function of registered state only); decode
// takes one instruction per cycle from the buffer while the ROB has room.
// Decode computes each instruction's declared scratchpad / accumulator row ranges
// [lo, hi) and whether it reads or writes them (strided COMPUTE: bounding range), checks
// them against the run-time limits (error -> machine stops), and records in a 16-bit
// dependency mask every OLDER unfinished ROB entry of ANOTHER queue whose ranges overlap
// with at least one of the two writing. A queue head may start when none of the entries
// in its mask is still unfinished. A slot's column is cleared from all masks when the slot
// is reused, so a mask only ever names older instructions.
// CONFIG is executed at fetch once the ROB is empty (it waits for all older instructions
// and younger ones are not fetched before it); it never occupies a ROB entry.
// Entries retire in order from the ROB head once finished.
//
// Error codes: 1 unknown opcode, 2 bad width (b outside 1..DIM), 3 scratchpad row range
// beyond the limit, 4 accumulator row range beyond the limit, 5 CONFIG limit beyond the
// physical size or a CONFIG shift beyond 31, 6 bad count (n = 0, or PRELOAD c > DIM).
module controller #(
    parameter int DIM      = 16,
    parameter int SP_ROWS  = 2097152 / DIM,
    parameter int ACC_ROWS = 524288 / DIM
) (
    input  logic         clk,
    input  logic         rst,
    // instruction port
    input  logic         in_valid,
    input  logic [127:0] in_instr,
    output logic         in_ready,
    // queue heads
    output logic         ld_valid,
    output logic [127:0] ld_instr,
    output logic [3:0]   ld_rob,
    input  logic         ld_ready,
    output logic         ex_valid,
    output logic [127:0] ex_instr,
    output logic [3:0]   ex_rob,
    input  logic         ex_ready,
    output logic         st_valid,
    output logic [127:0] st_instr,
    output logic [3:0]   st_rob,
    input  logic         st_ready,
    // completions
    input  logic         done_a_valid,
    input  logic [3:0]   done_a_rob,
    input  logic         done_b_valid,
    input  logic [3:0]   done_b_rob,
    // status
    output logic         idle,
    output logic [3:0]   error_code,
    output logic [31:0]  error_index,
    output logic         fetch_fire,
    output logic         stall_rob_full,
    output logic [1:0]   stall_dep_count,
    // CONFIG w3: right shift of narrow (int8) MVOUT (see dma.sv)
    output logic [4:0]   cfg_shift
);
  localparam logic [7:0] OP_CONFIG = 8'd0, OP_MVIN = 8'd1, OP_MVIN_ACC = 8'd2, OP_MVOUT = 8'd3,
                         OP_PRELOAD = 8'd4, OP_COMPUTE = 8'd5;
  localparam logic [1:0] Q_LD = 2'd0, Q_EX = 2'd1, Q_ST = 2'd2;

  // ---------------- ROB ----------------
  logic [127:0] rob_instr [16];
  logic [1:0]   rob_q     [16];
  logic [33:0]  rob_sp_lo [16], rob_sp_hi [16], rob_acc_lo [16], rob_acc_hi [16];
  logic [15:0]  rob_sp_rd, rob_sp_wr, rob_acc_rd, rob_acc_wr;
  logic [15:0]  rob_dep   [16];
  logic [15:0]  rob_valid, rob_done, pending;
  logic [3:0]   rob_head, rob_tail;
  logic [4:0]   rob_count;
  logic [31:0]  fetched;
  logic [31:0]  sp_limit, acc_limit;

  assign pending = rob_valid & ~rob_done;

  // ---------------- queues of ROB indices ----------------
  logic [3:0] q_mem [3][16];
  logic [3:0] q_head [3], q_tail [3];
  logic [4:0] q_count [3];

  // ---------------- decode ----------------
  logic [7:0]  d_op;
  logic [6:0]  d_b;
  logic [15:0] d_n;
  logic [31:0] d_w1, d_w2, d_w3;
  logic [1:0]  d_q;
  logic        d_sp_rd, d_sp_wr, d_acc_rd, d_acc_wr, d_is_config;
  logic [33:0] d_sp_lo, d_sp_hi, d_acc_lo, d_acc_hi;
  logic [3:0]  d_err;
  logic [15:0] d_dep;
  /* verilator lint_off UNUSEDSIGNAL */
  logic        d_accf;  // accumulate flag: used by the execute unit, not by decode
  /* verilator lint_on UNUSEDSIGNAL */

  logic         fb_valid, fb_take;
  logic [127:0] fb_instr;
  assign {d_w3, d_w2, d_w1, d_n, d_b, d_accf, d_op} = fb_instr;
  assign d_is_config = (d_op == OP_CONFIG);
  logic [15:0] d_nm1;
  assign d_nm1 = d_n - 16'd1;

  always_comb begin
    d_q = Q_LD;
    d_sp_rd = 1'b0; d_sp_wr = 1'b0; d_acc_rd = 1'b0; d_acc_wr = 1'b0;
    d_sp_lo = 34'd0; d_sp_hi = 34'd0; d_acc_lo = 34'd0; d_acc_hi = 34'd0;
    d_err = 4'd0;
    case (d_op)
      OP_CONFIG: begin
        if ({2'b0, d_w1} > 34'(SP_ROWS) || {2'b0, d_w2} > 34'(ACC_ROWS) || d_w3 > 32'd31) d_err = 4'd5;
      end
      OP_MVIN: begin
        d_q = Q_LD; d_sp_wr = 1'b1;
        d_sp_lo = {2'b0, d_w2}; d_sp_hi = {2'b0, d_w2} + {18'd0, d_n};
      end
      OP_MVIN_ACC: begin
        d_q = Q_LD; d_acc_wr = 1'b1;
        d_acc_lo = {2'b0, d_w2}; d_acc_hi = {2'b0, d_w2} + {18'd0, d_n};
      end
      OP_MVOUT: begin
        d_q = Q_ST; d_acc_rd = 1'b1;
        d_acc_lo = {2'b0, d_w2}; d_acc_hi = {2'b0, d_w2} + {18'd0, d_n};
      end
      OP_PRELOAD: begin
        d_q = Q_EX; d_sp_rd = 1'b1;
        d_sp_lo = {2'b0, d_w1}; d_sp_hi = {2'b0, d_w1} + {18'd0, d_n};
        if (d_n > 16'(DIM)) d_err = 4'd6;
      end
      OP_COMPUTE: begin
        d_q = Q_EX; d_sp_rd = 1'b1; d_acc_wr = 1'b1;
        d_sp_lo  = {2'b0, d_w1};
        d_sp_hi  = {2'b0, d_w1} + 34'(d_nm1) * 34'(d_w3[15:0]) + 34'd1;
        d_acc_lo = {2'b0, d_w2};
        d_acc_hi = {2'b0, d_w2} + 34'(d_nm1) * 34'(d_w3[31:16]) + 34'd1;
      end
      default: d_err = 4'd1;
    endcase
    if (d_err == 4'd0 && !d_is_config) begin
      if (d_n == 16'd0) d_err = 4'd6;
      else if (d_op != OP_COMPUTE && (d_b == 7'd0 || d_b > 7'(DIM))) d_err = 4'd2;
      else if ((d_sp_rd || d_sp_wr) && d_sp_hi > {2'b0, sp_limit}) d_err = 4'd3;
      else if ((d_acc_rd || d_acc_wr) && d_acc_hi > {2'b0, acc_limit}) d_err = 4'd4;
    end
    // dependencies on older unfinished instructions of other queues
    for (int j = 0; j < 16; j++) begin
      d_dep[j] = pending[j] && rob_q[j] != d_q && (
          ((d_sp_rd || d_sp_wr) && (rob_sp_rd[j] || rob_sp_wr[j]) && (d_sp_wr || rob_sp_wr[j]) &&
           d_sp_lo < rob_sp_hi[j] && rob_sp_lo[j] < d_sp_hi) ||
          ((d_acc_rd || d_acc_wr) && (rob_acc_rd[j] || rob_acc_wr[j]) && (d_acc_wr || rob_acc_wr[j]) &&
           d_acc_lo < rob_acc_hi[j] && rob_acc_lo[j] < d_acc_hi));
    end
  end

  assign fb_take  = fb_valid && (error_code == 4'd0) && (d_is_config ? rob_count == 5'd0 : rob_count != 5'd16);
  assign in_ready = (error_code == 4'd0) && (!fb_valid || fb_take);
  assign fetch_fire = fb_take;
  assign stall_rob_full = fb_valid && (error_code == 4'd0) && !d_is_config && rob_count == 5'd16;
  assign idle = (rob_count == 5'd0) && !fb_valid;

  // ---------------- issue ----------------
  logic [3:0] hd [3];
  logic       rdy [3];
  always_comb begin
    for (int q = 0; q < 3; q++) begin
      hd[q]  = q_mem[q][q_head[q]];
      rdy[q] = q_count[q] != 5'd0 && (rob_dep[hd[q]] & pending) == 16'd0;
    end
  end
  assign ld_valid = rdy[0]; assign ld_rob = hd[0]; assign ld_instr = rob_instr[hd[0]];
  assign ex_valid = rdy[1]; assign ex_rob = hd[1]; assign ex_instr = rob_instr[hd[1]];
  assign st_valid = rdy[2]; assign st_rob = hd[2]; assign st_instr = rob_instr[hd[2]];
  assign stall_dep_count =
      2'(q_count[0] != 5'd0 && !rdy[0] && ld_ready) +
      2'(q_count[1] != 5'd0 && !rdy[1] && ex_ready) +
      2'(q_count[2] != 5'd0 && !rdy[2] && st_ready);

  logic pop_ld, pop_ex, pop_st, retire, alloc;
  assign pop_ld = ld_valid && ld_ready;
  assign pop_ex = ex_valid && ex_ready;
  assign pop_st = st_valid && st_ready;
  assign retire = rob_valid[rob_head] && rob_done[rob_head];
  assign alloc  = fetch_fire && !d_is_config && d_err == 4'd0;

  always_ff @(posedge clk) begin
    if (rst) begin
      rob_valid  <= 16'd0;
      rob_done   <= 16'd0;
      rob_head   <= 4'd0;
      rob_tail   <= 4'd0;
      rob_count  <= 5'd0;
      fb_valid   <= 1'b0;
      fetched    <= 32'd0;
      error_code <= 4'd0;
      error_index <= 32'd0;
      sp_limit   <= 32'(SP_ROWS);
      acc_limit  <= 32'(ACC_ROWS);
      cfg_shift  <= 5'd0;
      for (int q = 0; q < 3; q++) begin
        q_head[q] <= 4'd0; q_tail[q] <= 4'd0; q_count[q] <= 5'd0;
      end
    end else begin
      if (in_valid && in_ready) begin
        fb_valid <= 1'b1;
        fb_instr <= in_instr;
      end else if (fb_take) begin
        fb_valid <= 1'b0;
      end
      if (fetch_fire) begin
        fetched <= fetched + 32'd1;
        if (d_err != 4'd0) begin
          error_code  <= d_err;
          error_index <= fetched;
        end else if (d_is_config) begin
          sp_limit  <= d_w1;
          acc_limit <= d_w2;
          cfg_shift <= d_w3[4:0];
        end
      end
      if (alloc) begin
        rob_instr[rob_tail]  <= fb_instr;
        rob_q[rob_tail]      <= d_q;
        rob_sp_lo[rob_tail]  <= d_sp_lo;
        rob_sp_hi[rob_tail]  <= d_sp_hi;
        rob_acc_lo[rob_tail] <= d_acc_lo;
        rob_acc_hi[rob_tail] <= d_acc_hi;
        rob_sp_rd[rob_tail]  <= d_sp_rd;
        rob_sp_wr[rob_tail]  <= d_sp_wr;
        rob_acc_rd[rob_tail] <= d_acc_rd;
        rob_acc_wr[rob_tail] <= d_acc_wr;
        for (int i = 0; i < 16; i++) rob_dep[i][rob_tail] <= 1'b0;
        rob_dep[rob_tail] <= d_dep;
        rob_tail <= rob_tail + 4'd1;
        q_mem[d_q][q_tail[d_q]] <= rob_tail;
        q_tail[d_q] <= q_tail[d_q] + 4'd1;
      end
      // valid / done bits: allocation sets valid and clears done; completion sets done;
      // retirement clears valid. They touch different slots in one cycle.
      rob_valid <= (rob_valid | (alloc ? 16'd1 << rob_tail : 16'd0)) & ~(retire ? 16'd1 << rob_head : 16'd0);
      rob_done  <= (rob_done & ~(alloc ? 16'd1 << rob_tail : 16'd0))
                   | (done_a_valid ? 16'd1 << done_a_rob : 16'd0)
                   | (done_b_valid ? 16'd1 << done_b_rob : 16'd0);
      if (retire) rob_head <= rob_head + 4'd1;
      rob_count <= rob_count + {4'd0, alloc} - {4'd0, retire};

      if (pop_ld) q_head[0] <= q_head[0] + 4'd1;
      if (pop_ex) q_head[1] <= q_head[1] + 4'd1;
      if (pop_st) q_head[2] <= q_head[2] + 4'd1;
      q_count[0] <= q_count[0] + {4'd0, alloc && d_q == Q_LD} - {4'd0, pop_ld};
      q_count[1] <= q_count[1] + {4'd0, alloc && d_q == Q_EX} - {4'd0, pop_ex};
      q_count[2] <= q_count[2] + {4'd0, alloc && d_q == Q_ST} - {4'd0, pop_st};
    end
  end
endmodule
