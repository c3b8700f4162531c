#!/usr/bin/env bash
# Installs the system tools the RTL fidelity (plugin "rtl", packages/rtl-sim) needs:
#   verilator  — compiles the SystemVerilog accelerator into a cycle-accurate simulator (required)
#   yosys      — synthesises the PE array for the area estimate (optional: area is omitted without it)
#
# Behaviour (never fails the caller; always exits 0):
#   - both present            → prints their versions;
#   - missing, root + apt-get → apt-get update && apt-get install -y verilator yosys;
#   - missing otherwise       → prints what is missing and the exact command to run.
# Tests that need verilator skip with a visible message when it is still missing.
set -u

missing=()
for tool in verilator yosys; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done

print_versions() {
  if command -v verilator >/dev/null 2>&1; then echo "verilator: $(verilator --version 2>&1 | head -n 1)"; fi
  if command -v yosys >/dev/null 2>&1; then echo "yosys:     $(yosys -V 2>&1 | head -n 1)"; fi
}

if [ ${#missing[@]} -eq 0 ]; then
  print_versions
  exit 0
fi

echo "install-system-tools: missing: ${missing[*]}"

if [ "${EUID:-1}" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "install-system-tools: installing with apt-get (verilator yosys)"
  if apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y verilator yosys; then
    print_versions
  else
    echo "install-system-tools: apt-get failed; install verilator (>= 5.0) and yosys yourself." >&2
  fi
  exit 0
fi

if command -v apt-get >/dev/null 2>&1; then
  how="sudo apt-get update && sudo apt-get install -y verilator yosys"
elif command -v brew >/dev/null 2>&1; then
  how="brew install verilator yosys"
elif command -v dnf >/dev/null 2>&1; then
  how="sudo dnf install -y verilator yosys"
else
  how="install verilator (>= 5.0, https://verilator.org) and yosys (https://yosyshq.net/yosys) with your package manager"
fi
echo "install-system-tools: not installing (needs root and apt-get). Run:"
echo "    $how"
echo "Until then the 'rtl' plugin reports 'unavailable: verilator not on PATH' and its tests are skipped."
exit 0
