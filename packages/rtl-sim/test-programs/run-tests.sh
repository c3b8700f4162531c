#!/usr/bin/env bash
# RTL test suite: lint (Verilator -Wall, DIM 4 and 64), Yosys synthesis of the array (DIM 4),
# build the Verilator models, run the hand-written programs against them and check results
# (expect files from the Node reference model in lib.mjs), exit codes, error JSON and
# counter reconciliation.
#
#   test-programs/run-tests.sh [DIM ...]      (default: 4 8; builds under .build/dim<DIM>)
#
# A model is rebuilt only when rtl/ or harness/ changed since it was built.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$HERE"
DIMS=("$@"); [[ ${#DIMS[@]} -eq 0 ]] && DIMS=(4 8)
BUILD="$HERE/.build"
mkdir -p "$BUILD"

echo "== lint (verilator -Wall)"
for d in 4 64; do verilator --lint-only -Wall -GDIM=$d --top-module accel rtl/*.sv; done
echo "== yosys: synth systolic_array at DIM 4"
harness/synth-area.sh 4 | tail -1

for d in "${DIMS[@]}"; do
  bin="$BUILD/dim$d/Vaccel"
  if [[ ! -x "$bin" ]] || [[ -n "$(find rtl harness -newer "$bin" -type f | head -1)" ]]; then
    echo "== build DIM $d"
    start=$(date +%s)
    harness/build.sh "$d" "$BUILD/dim$d" >/dev/null
    echo "   built in $(( $(date +%s) - start )) s"
  fi
done

echo "== programs"
node test-programs/run-tests.mjs "$BUILD" "${DIMS[@]}"
