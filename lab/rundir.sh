#!/usr/bin/env bash
# Prints the lab's run directory (see lab_run_dir in lab/common.sh) on stdout;
# with --why, also the reason it is not lab/run (empty when it is).
# The acceptance harness and scripts/test.sh ask this, so everything follows one choice.
set -euo pipefail
LAB_SCRIPT=rundir.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
mkdir -p "$LAB_RUN"
echo "$LAB_RUN"
[[ "${1:-}" != --why ]] || echo "$LAB_RUN_WHY"
