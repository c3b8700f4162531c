#!/usr/bin/env bash
# Runs the RTL test programs when Verilator is installed; otherwise says loudly that they were
# skipped and how to install it (bash scripts/install-system-tools.sh, which `npm test` runs first).
set -euo pipefail
if ! command -v verilator >/dev/null 2>&1; then
  echo "SKIPPED: RTL test programs — verilator is not on PATH; install it with: bash scripts/install-system-tools.sh (or apt-get install -y verilator yosys)" >&2
  exit 0
fi
exec bash "$(dirname "${BASH_SOURCE[0]}")/run-tests.sh" "$@"
