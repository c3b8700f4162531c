#!/usr/bin/env bash
# Build the Verilator model of the rtl-sim accelerator for one array size.
#
#   harness/build.sh <DIM> <outdir>      ->  <outdir>/Vaccel
#
# The command (mirror it exactly if you build from elsewhere; paths relative to
# packages/rtl-sim):
#   verilator --cc --exe --build -O3 -Wall --x-assign fast \
#     --top-module accel -GDIM=<DIM> -CFLAGS "-DDIM_VALUE=<DIM>" \
#     -Mdir <outdir>/obj -o <outdir>/Vaccel -j <jobs> <pkg>/rtl/*.sv <pkg>/harness/main.cpp
# with every path absolute (-o with an absolute path puts the binary outside obj/).
# Memories start at zero (Verilator's default +verilator+rand+reset+0); programs must not
# rely on that. Exit 127 when verilator is not installed; the log is <outdir>/build.log.
set -euo pipefail
if [[ $# -ne 2 ]]; then echo "usage: $0 <DIM> <outdir>" >&2; exit 1; fi
DIM="$1"; OUT="$2"
case "$DIM" in 2|4|8|16|32|64) ;; *) echo "DIM must be a power of two in 2..64" >&2; exit 1;; esac
if ! command -v verilator >/dev/null 2>&1; then
  echo "verilator not found on PATH: install Verilator 5 (e.g. apt-get install verilator)" >&2
  exit 127
fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
JOBS="${JOBS:-$(nproc 2>/dev/null || echo 2)}"
verilator --cc --exe --build -O3 -Wall --x-assign fast \
  --top-module accel -GDIM="$DIM" -CFLAGS "-DDIM_VALUE=$DIM" \
  -Mdir "$OUT/obj" -o "$OUT/Vaccel" -j "$JOBS" \
  "$HERE"/rtl/*.sv "$HERE/harness/main.cpp" >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; exit 1; }
echo "$OUT/Vaccel"
