// Verilator harness for the rtl-sim accelerator (contract: docs/isa.md).
//
// Models DRAM: byte array loaded from --dram; every request the accelerator issues
// (req_valid, sampled before the rising edge) is accepted, performed at once (reads copy
// the data, writes store it), and answered DRAM_LATENCY cycles later on the response port
// (read data or write acknowledge), in issue order; a response waits while resp_ready is
// low. The bus width and the in-flight limit are enforced by the accelerator's DMA (the
// harness passes them in as cfg_bus_bytes / cfg_max_inflight and checks them).
// Streams program instructions into the instruction port while in_ready is high, runs
// until every instruction is fetched and the machine is idle, then checks --expect and
// prints one JSON line. Exit codes: 0 completed, 1 bad arguments/files, 2 cycle cap,
// 3 machine error.
#include "Vaccel.h"
#include "verilated.h"

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Options {
  std::string program, dram, expect;
  uint32_t bus_bytes = 8, dram_latency = 40, max_inflight = 16;
  uint64_t max_cycles = 2000000000ULL;
  bool trace_json = false;
};

struct Instr { uint32_t w[4]; };

struct Response {
  uint64_t due;
  uint64_t tag;
  uint8_t data[64];
};

[[noreturn]] void bad(const std::string& msg) {
  std::printf("{\"ok\": false, \"error\": \"bad-arguments: %s\"}\n", msg.c_str());
  std::exit(1);
}

bool parse_u64(const char* s, uint64_t& out) {
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(s, &end, 0);
  if (errno || !end || *end || s[0] == '-') return false;
  out = v;
  return true;
}

Options parse_args(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto need = [&](const char* name) -> const char* {
      if (i + 1 >= argc) bad(std::string("missing value for ") + name);
      return argv[++i];
    };
    auto num = [&](const char* name, uint64_t lo, uint64_t hi) -> uint64_t {
      uint64_t v;
      const char* s = need(name);
      if (!parse_u64(s, v) || v < lo || v > hi) bad(std::string("bad value for ") + name);
      return v;
    };
    if (a == "--program") o.program = need("--program");
    else if (a == "--dram") o.dram = need("--dram");
    else if (a == "--expect" || a == "--check") o.expect = need("--expect");
    else if (a == "--bus-bytes") o.bus_bytes = (uint32_t)num("--bus-bytes", 1, 64);
    else if (a == "--dram-latency") o.dram_latency = (uint32_t)num("--dram-latency", 1, 1000000);
    else if (a == "--max-inflight") o.max_inflight = (uint32_t)num("--max-inflight", 1, 255);
    else if (a == "--max-cycles") o.max_cycles = num("--max-cycles", 1, UINT64_MAX);
    else if (a == "--trace-json") o.trace_json = true;
    else bad("unknown argument " + a);
  }
  if (o.program.empty() || o.dram.empty()) bad("--program and --dram are required");
  return o;
}

std::vector<Instr> load_program(const std::string& path) {
  std::ifstream f(path);
  if (!f) bad("cannot read program " + path);
  std::vector<Instr> prog;
  std::string line;
  size_t lineno = 0;
  while (std::getline(f, line)) {
    ++lineno;
    size_t p = line.find_first_not_of(" \t\r");
    if (p == std::string::npos || line[p] == '#') continue;
    Instr in{};
    std::istringstream ss(line);
    for (int k = 0; k < 4; ++k) {
      std::string tok;
      if (!(ss >> tok) || tok.size() > 8) bad("bad program line " + std::to_string(lineno));
      char* end = nullptr;
      in.w[k] = (uint32_t)std::strtoul(tok.c_str(), &end, 16);
      if (*end) bad("bad program line " + std::to_string(lineno));
    }
    prog.push_back(in);
  }
  return prog;
}

// Parses "@addr bytes..." lines; calls put(addr, byte) for each byte.
template <typename F>
void parse_image_lines(std::istream& f, const std::string& path, F put, uint64_t* size_out) {
  std::string line;
  size_t lineno = 0;
  while (std::getline(f, line)) {
    ++lineno;
    size_t p = line.find_first_not_of(" \t\r");
    if (p == std::string::npos || line[p] == '#') continue;
    std::istringstream ss(line.substr(p));
    std::string tok;
    ss >> tok;
    if (tok == "size" && size_out) {
      std::string v;
      uint64_t n;
      if (!(ss >> v) || !parse_u64(v.c_str(), n)) bad("bad size line in " + path);
      *size_out = n;
      continue;
    }
    if (tok.empty() || tok[0] != '@') bad("bad line " + std::to_string(lineno) + " in " + path);
    char* end = nullptr;
    uint64_t addr = std::strtoull(tok.c_str() + 1, &end, 16);
    if (*end) bad("bad address in " + path);
    while (ss >> tok) {
      if (tok.size() != 2) bad("bad byte in " + path);
      unsigned long b = std::strtoul(tok.c_str(), &end, 16);
      if (*end) bad("bad byte in " + path);
      put(addr++, (uint8_t)b);
    }
  }
}

std::string json_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\') { o += '\\'; o += c; }
    else if ((unsigned char)c < 0x20) o += ' ';
    else o += c;
  }
  return o;
}

const char* error_name(uint32_t code) {
  switch (code) {
    case 1: return "decode";
    case 2: return "bad-width";
    case 3: return "sp-range";
    case 4: return "acc-range";
    case 5: return "config-range";
    case 6: return "bad-count";
    default: return "unknown";
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options opt = parse_args(argc, argv);
  std::vector<Instr> prog = load_program(opt.program);

  std::vector<uint8_t> dram;
  {
    std::ifstream f(opt.dram);
    if (!f) bad("cannot read dram image " + opt.dram);
    std::string first;
    std::getline(f, first);
    std::istringstream ss(first);
    std::string kw, v;
    uint64_t size = 0;
    if (!(ss >> kw >> v) || kw != "size" || !parse_u64(v.c_str(), size) || size > (1ULL << 32))
      bad("dram image must start with 'size <bytes>'");
    dram.assign(size, 0);
    bool overflow = false;
    parse_image_lines(f, opt.dram, [&](uint64_t a, uint8_t b) {
      if (a < dram.size()) dram[a] = b; else overflow = true;
    }, nullptr);
    if (overflow) bad("dram image writes beyond its size");
  }

  auto ctx = std::make_unique<VerilatedContext>();
  ctx->commandArgs(1, argv);
  auto top = std::make_unique<Vaccel>(ctx.get());

  top->cfg_bus_bytes = (uint8_t)opt.bus_bytes;
  top->cfg_max_inflight = (uint8_t)opt.max_inflight;
  top->in_valid = 0;
  top->resp_valid = 0;
  top->rst = 1;
  for (int i = 0; i < 4; ++i) {
    top->clk = 0; top->eval();
    top->clk = 1; top->eval();
  }
  top->rst = 0;

  std::deque<Response> resp_q;
  size_t pc = 0;
  uint64_t cycle = 0;
  uint32_t inflight = 0;
  std::string error_code, error_msg;
  int64_t error_instr = -1;
  bool capped = false;
  const uint8_t bus = (uint8_t)opt.bus_bytes;
  (void)bus;

  while (true) {
    // drive inputs for this cycle
    if (pc < prog.size()) {
      top->in_valid = 1;
      for (int k = 0; k < 4; ++k) top->in_instr[k] = prog[pc].w[k];
    } else {
      top->in_valid = 0;
    }
    bool resp_now = !resp_q.empty() && resp_q.front().due <= cycle;
    if (resp_now) {
      const Response& r = resp_q.front();
      top->resp_valid = 1;
      top->resp_tag = r.tag;
      for (int k = 0; k < 16; ++k) {
        uint32_t w;
        std::memcpy(&w, r.data + 4 * k, 4);
        top->resp_rdata[k] = w;
      }
    } else {
      top->resp_valid = 0;
    }
    top->clk = 0;
    top->eval();

    // sample handshakes before the edge
    bool in_fire = top->in_valid && top->in_ready;
    bool resp_fire = resp_now && top->resp_ready;
    bool req = top->req_valid;
    Response nr;
    if (req) {
      uint32_t addr = top->req_addr;
      uint32_t bytes = top->req_bytes;
      nr.due = cycle + opt.dram_latency;
      nr.tag = top->req_tag;
      std::memset(nr.data, 0, sizeof nr.data);
      if (bytes == 0 || bytes > 64 || inflight >= opt.max_inflight) {
        error_code = "dma-protocol";
        error_msg = "request of " + std::to_string(bytes) + " bytes with " + std::to_string(inflight) + " in flight";
      } else if ((uint64_t)addr + bytes > dram.size()) {
        error_code = "dram-range";
        char buf[96];
        std::snprintf(buf, sizeof buf, "DRAM access @%x+%u beyond size %zu", addr, bytes, dram.size());
        error_msg = buf;
      } else if (top->req_write) {
        for (uint32_t k = 0; k < bytes; ++k)
          dram[addr + k] = (uint8_t)(top->req_wdata[k / 4] >> (8 * (k % 4)));
      } else {
        std::memcpy(nr.data, &dram[addr], bytes);
      }
    }

    top->clk = 1;
    top->eval();
    ++cycle;

    if (in_fire) ++pc;
    if (resp_fire) { resp_q.pop_front(); --inflight; }
    if (req && error_code.empty()) { resp_q.push_back(nr); ++inflight; }

    if (!error_code.empty()) break;
    if (top->error_code) {
      error_code = error_name(top->error_code);
      error_instr = top->error_index;
      error_msg = "instruction " + std::to_string(error_instr) + " (0-based, comments excluded)";
      break;
    }
    if (pc == prog.size() && top->idle && resp_q.empty()) break;
    if (cycle >= opt.max_cycles) { capped = true; error_code = "max-cycles"; error_msg = "cycle cap reached"; break; }
  }

  // check expected DRAM contents
  std::string check_json = "null";
  bool check_ok = true;
  if (!opt.expect.empty() && error_code.empty()) {
    std::ifstream f(opt.expect);
    if (!f) bad("cannot read expect file " + opt.expect);
    uint64_t mismatches = 0;
    std::string first;
    parse_image_lines(f, opt.expect, [&](uint64_t a, uint8_t want) {
      uint8_t got = a < dram.size() ? dram[a] : 0;
      if (a >= dram.size() || got != want) {
        if (mismatches == 0) {
          char buf[80];
          std::snprintf(buf, sizeof buf, "@%llx got %02x want %02x", (unsigned long long)a, got, want);
          first = buf;
        }
        ++mismatches;
      }
    }, nullptr);
    check_ok = mismatches == 0;
    check_json = std::string("{\"ok\": ") + (check_ok ? "true" : "false") + ", \"mismatches\": " + std::to_string(mismatches);
    if (!check_ok) check_json += ", \"first\": \"" + first + "\"";
    check_json += "}";
  }

  const bool ok = error_code.empty() && check_ok;
  std::string err_json = "null";
  if (!error_code.empty()) {
    err_json = "\"" + error_code + ": " + json_escape(error_msg) + "\"";
  }

  auto c = [](uint64_t v) { return std::to_string(v); };
  std::ostringstream js;
  js << "{\"ok\": " << (ok ? "true" : "false") << ", \"dim\": " << DIM_VALUE << ", \"cycles\": " << cycle
     << ", \"counters\": {"
     << "\"macs\": " << c(top->cnt_macs) << ", \"instructions\": " << c(top->cnt_instructions)
     << ", \"sp_reads\": " << c(top->cnt_sp_reads) << ", \"sp_writes\": " << c(top->cnt_sp_writes)
     << ", \"sp_bank_reads\": [" << c(top->cnt_sp_bank_reads0) << "," << c(top->cnt_sp_bank_reads1) << ","
     << c(top->cnt_sp_bank_reads2) << "," << c(top->cnt_sp_bank_reads3) << "]"
     << ", \"sp_bank_writes\": [" << c(top->cnt_sp_bank_writes0) << "," << c(top->cnt_sp_bank_writes1) << ","
     << c(top->cnt_sp_bank_writes2) << "," << c(top->cnt_sp_bank_writes3) << "]"
     << ", \"acc_reads\": " << c(top->cnt_acc_reads) << ", \"acc_writes\": " << c(top->cnt_acc_writes)
     << ", \"dram_read_bytes\": " << c(top->cnt_dram_read_bytes)
     << ", \"dram_write_bytes\": " << c(top->cnt_dram_write_bytes)
     << ", \"dram_requests\": " << c(top->cnt_dram_requests)
     << ", \"preload_weight_loads\": " << c(top->cnt_preload_weight_loads)
     << ", \"stall_dma_wait\": " << c(top->cnt_stall_dma_wait)
     << ", \"stall_bank_conflict\": " << c(top->cnt_stall_bank_conflict)
     << ", \"stall_queue_full\": " << c(top->cnt_stall_queue_full)
     << ", \"stall_dependency\": " << c(top->cnt_stall_dependency)
     << ", \"stall_pipeline\": " << c(top->cnt_stall_pipeline)
     << ", \"busy_load\": " << c(top->cnt_busy_load) << ", \"busy_execute\": " << c(top->cnt_busy_execute)
     << ", \"busy_store\": " << c(top->cnt_busy_store) << "}"
     << ", \"check\": " << check_json << ", \"error\": " << err_json << "}";
  std::printf("%s\n", js.str().c_str());
  top->final();
  if (capped) return 2;
  if (!error_code.empty()) return 3;
  return 0;
}
