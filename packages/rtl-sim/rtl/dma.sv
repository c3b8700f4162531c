// DMA engine: the load queue's MVIN / MVIN_ACC and the store queue's MVOUT.
//
// One DRAM request per row chunk (<= 64 bytes): MVIN issues one request of b bytes per
// row; MVIN_ACC / MVOUT issue ceil(4b/64) requests per row (chunk j = bytes 64j..).
// A narrow MVOUT (w0 bit 8) issues one request of b bytes per row: word i of the
// accumulator row becomes byte i, y = saturate_int8((acc + 2^(shift-1)) >>> shift) (round
// half up; no rounding term when shift = 0), shift = cfg_shift (CONFIG w3).
// The DRAM bus (cfg_bus_bytes bytes/cycle) is enforced HERE: after a request of B bytes
// (read or write; one shared bus) the next request may issue ceil(B/cfg_bus_bytes) cycles
// later. At most cfg_max_inflight requests are outstanding (reads until their data
// returns, writes until their acknowledge returns).
//
// Each request carries a 64-bit tag that the DRAM model echoes in its response:
//   [3:0] ROB index, [5:4] kind (0 = sp row, 1 = acc chunk, 2 = write ack), [7:6] chunk,
//   [14:8] width b of the instruction, [31:15] zero, [63:32] destination row.
// An instruction completes (done_valid) when its last response has arrived.
// Responses enter a one-entry buffer and config inputs are registered, so no logic depends
// combinationally on the top-level inputs (resp_ready is a function of registered state).
// Load and store engines are pipelined: a new instruction may start issuing while
// responses of the previous one are still outstanding.
module dma #(
    parameter int DIM    = 16,
    parameter int SP_AW  = 17,
    parameter int ACC_AW = 15
) (
    input  logic               clk,
    input  logic               rst,
    input  logic [7:0]         cfg_bus_bytes,
    input  logic [7:0]         cfg_max_inflight,
    input  logic [4:0]         cfg_shift,
    // load queue head
    input  logic               ld_valid,
    input  logic [127:0]       ld_instr,
    input  logic [3:0]         ld_rob,
    output logic               ld_ready,
    // store queue head
    input  logic               st_valid,
    input  logic [127:0]       st_instr,
    input  logic [3:0]         st_rob,
    output logic               st_ready,
    // DRAM request
    output logic               req_valid,
    output logic               req_write,
    output logic [31:0]        req_addr,
    output logic [6:0]         req_bytes,
    output logic [511:0]       req_wdata,
    output logic [63:0]        req_tag,
    // DRAM response
    input  logic               resp_valid,
    output logic               resp_ready,
    input  logic [63:0]        resp_tag,
    input  logic [511:0]       resp_rdata,
    // scratchpad write
    output logic               sp_we,
    output logic [SP_AW-1:0]   sp_row,
    output logic [DIM*8-1:0]   sp_data,
    // accumulator write (MVIN_ACC) and read (MVOUT)
    input  logic               ex_acc_we,
    output logic               acc_we,
    output logic [ACC_AW-1:0]  acc_row,
    output logic [DIM-1:0]     acc_mask,
    output logic [DIM*32-1:0]  acc_data,
    output logic               acc_rd_en,
    output logic [ACC_AW-1:0]  acc_rd_row,
    input  logic [DIM*32-1:0]  acc_rd_data,
    // completion of a load/store instruction
    output logic               done_valid,
    output logic [3:0]         done_rob,
    // status for the event counters
    output logic               ld_stall,
    output logic               st_stall,
    output logic               ld_busy,
    output logic               st_busy,
    output logic               acc_row_written
);
  localparam logic [7:0] OP_MVIN_ACC = 8'd2;
  localparam logic [1:0] K_SP = 2'd0, K_ACC = 2'd1, K_ACK = 2'd2;

  // registered run-time configuration
  logic [7:0] bus_bytes_q, max_inflight_q;
  always_ff @(posedge clk) begin
    bus_bytes_q    <= (cfg_bus_bytes == 8'd0) ? 8'd1 : cfg_bus_bytes;
    max_inflight_q <= cfg_max_inflight;
  end

  // ---------------- load engine ----------------
  logic        ld_active, ld_is_acc;
  logic [3:0]  ld_rob_q;
  logic [6:0]  ld_b;
  logic [31:0] ld_addr, ld_stride, ld_row;
  logic [15:0] ld_left;
  logic [1:0]  ld_chunk, ld_last_chunk;
  logic [6:0]  ld_bytes;
  logic [8:0]  ld_rem_bytes;
  logic        ld_start, grant_ld;

  logic [2:0]  ld_nch_in, st_nch_in;   // chunks per row of the instruction being started
  assign ld_nch_in = (ld_instr[7:0] == OP_MVIN_ACC) ? 3'((ld_instr[15:9] + 7'd15) >> 4) : 3'd1;
  assign st_nch_in = st_instr[8] ? 3'd1 : 3'((st_instr[15:9] + 7'd15) >> 4);
  // accumulate flag / opcode bits the DMA does not need
  /* verilator lint_off UNUSEDSIGNAL */
  logic unused_instr_bits;
  /* verilator lint_on UNUSEDSIGNAL */
  assign unused_instr_bits = ld_instr[8] ^ (^st_instr[7:0]);

  assign ld_ready = !ld_active;
  assign ld_start = ld_valid && ld_ready;
  assign ld_rem_bytes = {ld_b, 2'b00} - {1'b0, ld_chunk, 6'd0};
  assign ld_bytes = !ld_is_acc ? ld_b : (ld_rem_bytes >= 9'd64 ? 7'd64 : ld_rem_bytes[6:0]);

  // ---------------- store engine ----------------
  typedef enum logic [1:0] { ST_IDLE, ST_READ, ST_HOLD } st_state_t;
  st_state_t   st_state;
  logic [3:0]  st_rob_q;
  logic [6:0]  st_b;
  logic        st_narrow;
  logic [31:0] st_addr, st_stride, st_row;
  logic [15:0] st_left;
  logic [1:0]  st_chunk, st_last_chunk;
  logic [6:0]  st_bytes;
  logic [8:0]  st_rem_bytes;
  logic        st_start, grant_st;

  assign st_ready = (st_state == ST_IDLE);
  assign st_start = st_valid && st_ready;
  assign st_rem_bytes = {st_b, 2'b00} - {1'b0, st_chunk, 6'd0};
  assign st_bytes = st_narrow ? st_b : (st_rem_bytes >= 9'd64 ? 7'd64 : st_rem_bytes[6:0]);
  assign acc_rd_en  = (st_state == ST_READ);
  assign acc_rd_row = st_row[ACC_AW-1:0];

  // ---------------- arbiter / bus ----------------
  logic [7:0]  bus_wait;      // cycles until the bus is free
  logic [7:0]  rd_out, wr_out; // outstanding reads / writes
  logic        prio_st;       // round robin: store first when set
  logic        can_issue, ld_cand, st_cand;
  logic [7:0]  bus_cycles;

  assign ld_cand   = ld_active;
  assign st_cand   = (st_state == ST_HOLD);
  assign can_issue = (bus_wait == 8'd0) && ({1'b0, rd_out} + {1'b0, wr_out} < {1'b0, max_inflight_q});
  assign grant_ld  = can_issue && ld_cand && (!st_cand || !prio_st);
  assign grant_st  = can_issue && st_cand && !grant_ld;

  assign req_valid = grant_ld || grant_st;
  assign req_write = grant_st;
  assign req_addr  = grant_st ? st_addr + {24'd0, st_chunk, 6'd0} : ld_addr + {24'd0, ld_chunk, 6'd0};
  assign req_bytes = grant_st ? st_bytes : ld_bytes;
  // narrow MVOUT: each int32 word scaled and saturated to int8, packed one byte per word
  function automatic logic [7:0] narrow_word(input logic [31:0] acc, input logic [4:0] shift);
    logic signed [32:0] sum, shifted;
    sum = $signed({acc[31], acc}) + ((shift == 5'd0) ? 33'sd0 : $signed(33'd1 << (shift - 5'd1)));
    shifted = sum >>> shift;
    if (shifted > 33'sd127) return 8'h7f;
    if (shifted < -33'sd128) return 8'h80;
    return shifted[7:0];
  endfunction
  logic [511:0] narrow_wdata;
  always_comb begin
    narrow_wdata = '0;
    for (int i = 0; i < DIM; i++) narrow_wdata[8*i +: 8] = narrow_word(acc_rd_data[32*i +: 32], cfg_shift);
  end
  logic [511:0] wide_wdata;
  assign req_wdata = st_narrow ? narrow_wdata : wide_wdata;
  generate
    if (DIM * 32 < 512) begin : g_wdata_pad        // one chunk per row
      assign wide_wdata = {{(512 - DIM * 32){1'b0}}, acc_rd_data};
    end else if (DIM * 32 == 512) begin : g_wdata_one
      assign wide_wdata = acc_rd_data;
    end else if (DIM * 32 < 2048) begin : g_wdata_mux // 2 chunks per row (DIM 32)
      logic [2047:0] st_pad;
      assign st_pad = {{(2048 - DIM * 32){1'b0}}, acc_rd_data};
      assign wide_wdata = st_pad[512*st_chunk +: 512];
    end else begin : g_wdata_mux4                     // 4 chunks per row (DIM 64)
      assign wide_wdata = acc_rd_data[512*st_chunk +: 512];
    end
  endgenerate
  assign req_tag   = grant_st ? {st_row, 17'd0, st_b, st_chunk, K_ACK, st_rob_q}
                              : {ld_row, 17'd0, ld_b, ld_chunk, (ld_is_acc ? K_ACC : K_SP), ld_rob_q};
  // ceil(bytes / bus) - 1 further busy cycles
  assign bus_cycles = ({1'b0, req_bytes} + bus_bytes_q - 8'd1) / bus_bytes_q;

  assign ld_stall = ld_cand && !grant_ld;
  assign st_stall = st_cand && !grant_st;
  assign ld_busy  = ld_active || (rd_out != 8'd0);
  assign st_busy  = (st_state != ST_IDLE) || (wr_out != 8'd0);

  // ---------------- responses ----------------
  logic [3:0]  r_rob;
  logic [1:0]  r_kind, r_chunk, r_last_chunk;
  logic [6:0]  r_b;
  logic [31:0] r_row;
  logic        resp_fire;
  /* verilator lint_off UNUSEDSIGNAL */
  logic [16:0] r_zero;   // tag bits [31:15] are always zero
  logic [31:0] r_row_hi; // destination row bits above the physical address width
  /* verilator lint_on UNUSEDSIGNAL */

  logic         rb_valid;
  logic [63:0]  rb_tag;
  logic [511:0] rb_data;
  assign {r_row, r_zero, r_b, r_chunk, r_kind, r_rob} = rb_tag;
  assign r_row_hi = r_row;
  assign r_last_chunk = 2'((r_b + 7'd15) >> 4) - 2'd1;
  // the buffered response is consumed unless it targets the accumulator while the
  // execute unit writes it this cycle
  assign resp_fire  = rb_valid && !(r_kind == K_ACC && ex_acc_we);
  assign resp_ready = !rb_valid || resp_fire;
  always_ff @(posedge clk) begin
    if (rst) rb_valid <= 1'b0;
    else if (resp_valid && resp_ready) begin
      rb_valid <= 1'b1;
      rb_tag   <= resp_tag;
      rb_data  <= resp_rdata;
    end else if (resp_fire) begin
      rb_valid <= 1'b0;
    end
  end

  assign sp_we  = resp_fire && r_kind == K_SP;
  assign sp_row = r_row[SP_AW-1:0];
  always_comb begin
    for (int i = 0; i < DIM; i++)
      sp_data[8*i +: 8] = (7'(i) < r_b) ? rb_data[8*i +: 8] : 8'd0;
  end

  assign acc_we  = resp_fire && r_kind == K_ACC;
  assign acc_row = r_row[ACC_AW-1:0];
  assign acc_row_written = acc_we && r_chunk == 2'd0;
  always_comb begin
    for (int w = 0; w < DIM; w++) begin
      // word w belongs to chunk w/16; the last chunk also zeroes the words after it
      acc_mask[w] = (2'(w / 16) == r_chunk) || (r_chunk == r_last_chunk && 2'(w / 16) > r_chunk);
      acc_data[32*w +: 32] = (7'(w) < r_b) ? rb_data[32*(w % 16) +: 32] : 32'd0;
    end
  end

  // outstanding responses per ROB entry
  logic [18:0] remaining [16];
  assign done_valid = resp_fire && remaining[r_rob] == 19'd1;
  assign done_rob   = r_rob;

  // ---------------- sequential ----------------
  always_ff @(posedge clk) begin
    if (rst) begin
      ld_active <= 1'b0;
      st_state  <= ST_IDLE;
      bus_wait  <= 8'd0;
      rd_out    <= 8'd0;
      wr_out    <= 8'd0;
      prio_st   <= 1'b0;
    end else begin
      // bus occupancy
      if (req_valid) bus_wait <= bus_cycles - 8'd1;
      else if (bus_wait != 8'd0) bus_wait <= bus_wait - 8'd1;
      if (grant_ld) prio_st <= 1'b1;
      else if (grant_st) prio_st <= 1'b0;
      rd_out <= rd_out + {7'd0, grant_ld} - {7'd0, resp_fire && r_kind != K_ACK};
      wr_out <= wr_out + {7'd0, grant_st} - {7'd0, resp_fire && r_kind == K_ACK};

      // load engine
      if (ld_start) begin
        ld_active <= 1'b1;
        ld_is_acc <= ld_instr[7:0] == OP_MVIN_ACC;
        ld_rob_q  <= ld_rob;
        ld_b      <= ld_instr[15:9];
        ld_left   <= ld_instr[31:16];
        ld_addr   <= ld_instr[63:32];
        ld_row    <= ld_instr[95:64];
        ld_stride <= ld_instr[127:96];
        ld_chunk  <= 2'd0;
        ld_last_chunk <= 2'(ld_nch_in - 3'd1);
        remaining[ld_rob] <= 19'(ld_instr[31:16]) * 19'(ld_nch_in);
      end else if (grant_ld) begin
        if (ld_chunk == ld_last_chunk) begin
          ld_chunk <= 2'd0;
          ld_addr  <= ld_addr + ld_stride;
          ld_row   <= ld_row + 32'd1;
          ld_left  <= ld_left - 16'd1;
          if (ld_left == 16'd1) ld_active <= 1'b0;
        end else begin
          ld_chunk <= ld_chunk + 2'd1;
        end
      end

      // store engine
      case (st_state)
        ST_IDLE: if (st_start) begin
          st_state  <= ST_READ;
          st_rob_q  <= st_rob;
          st_b      <= st_instr[15:9];
          st_narrow <= st_instr[8];
          st_left   <= st_instr[31:16];
          st_addr   <= st_instr[63:32];
          st_row    <= st_instr[95:64];
          st_stride <= st_instr[127:96];
          st_chunk  <= 2'd0;
          st_last_chunk <= 2'(st_nch_in - 3'd1);
          remaining[st_rob] <= 19'(st_instr[31:16]) * 19'(st_nch_in);
        end
        ST_READ: st_state <= ST_HOLD;
        ST_HOLD: if (grant_st) begin
          if (st_chunk == st_last_chunk) begin
            st_chunk <= 2'd0;
            st_addr  <= st_addr + st_stride;
            st_row   <= st_row + 32'd1;
            st_left  <= st_left - 16'd1;
            st_state <= (st_left == 16'd1) ? ST_IDLE : ST_READ;
          end else begin
            st_chunk <= st_chunk + 2'd1;
          end
        end
        default: st_state <= ST_IDLE;
      endcase

      if (resp_fire) remaining[r_rob] <= remaining[r_rob] - 19'd1;
    end
  end
endmodule
