#!/usr/bin/env bash
# Logic area of the systolic array at one DIM: Yosys generic synthesis of the module
# `systolic_array` (rtl/pe.sv + rtl/systolic_array.sv) with the hierarchy kept (the PE is
# synthesised once; `stat -top` totals the DIM^2 instances), then `stat`.
#
#   harness/synth-area.sh <DIM>
#
# Prints Yosys's `stat` output (per-module cell tables and the "design hierarchy" totals),
# then one summary line:  area: DIM=<DIM> cells=<total cells in the hierarchy>
# Exit 127 when yosys is not installed.
set -euo pipefail
if [[ $# -ne 1 ]]; then echo "usage: $0 <DIM>" >&2; exit 1; fi
DIM="$1"
case "$DIM" in 2|4|8|16|32|64|128) ;; *) echo "DIM must be a power of two in 2..128" >&2; exit 1;; esac
if ! command -v yosys >/dev/null 2>&1; then
  echo "yosys not found on PATH: install Yosys (e.g. apt-get install yosys)" >&2
  exit 127
fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
yosys -q -p "read_verilog -sv $HERE/rtl/pe.sv $HERE/rtl/systolic_array.sv; \
  hierarchy -top systolic_array -chparam DIM $DIM; synth -top systolic_array; \
  tee -q -o $TMP/stat.txt stat -top systolic_array" >"$TMP/yosys.log" 2>&1 || { cat "$TMP/yosys.log" >&2; exit 1; }
cat "$TMP/stat.txt"
# total cell count of the hierarchy: the last "Number of cells" line (design hierarchy section)
CELLS="$(grep 'Number of cells' "$TMP/stat.txt" | tail -1 | awk '{print $NF}')"
echo "area: DIM=$DIM cells=$CELLS"
