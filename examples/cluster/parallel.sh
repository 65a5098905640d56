#!/bin/bash
# A pimsim sweep in N shards with GNU parallel (on this machine, or on others with -S), then
# merged into exactly the output of the unsharded sweep (docs/sweep.md, "On a cluster").
#
# The one-liner (N = 8 shards, 2 at a time on this machine; -S host1,host2 spreads them over
# machines that share this folder):
#
#   seq 1 8 | parallel -j 2 pimsim sweep $SWEEP --format csv --shard {}/8 -o part-{}.csv && pimsim merge part-*.csv -o sweep.csv
#
# This script runs that line with the same defaults as slurm-sweep.sh. Environment: PIMSIM,
# OUT (folder, default parallel-shards), SWEEP, N (default 8), JOBS (default 2).
set -euo pipefail

PIMSIM=${PIMSIM:-pimsim}
OUT=${OUT:-parallel-shards}
N=${N:-8}
JOBS=${JOBS:-2}
SWEEP=${SWEEP:---hw reram-1t1r --array-rows 72,144,288 --split 72 --readout auto --vary adc.energy_pj_by_adc_bits.9=0.5:4:50 --vary sense_amp.energy_pj=0.01:0.2:50log --vary array.cycle_ns=2:40:50}

mkdir -p "$OUT"
# shellcheck disable=SC2086  # SWEEP is a list of options
seq 1 "$N" | parallel -j "$JOBS" "$PIMSIM" sweep $SWEEP --format csv --shard {}/"$N" -o "$OUT"/part-{}.csv && "$PIMSIM" merge "$OUT"/part-*.csv -o "$OUT"/sweep.csv
