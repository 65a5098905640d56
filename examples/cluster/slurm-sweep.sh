#!/bin/bash
# A pimsim sweep as a Slurm array job: task K of N evaluates shard K/N of the design space and
# writes shards/part-K.csv; a job that depends on the array merges them into exactly the
# output of the unsharded sweep (docs/sweep.md, "On a cluster").
#
#   jid=$(sbatch --parsable --array=1-16 examples/cluster/slurm-sweep.sh)
#   sbatch --dependency=afterok:$jid --wrap "pimsim merge shards/part-*.csv -o sweep.csv"
#
# The array must count from 1 (--array=1-N): the task ID is the shard number. Environment:
#   PIMSIM  the pimsim binary (default: pimsim on PATH)
#   OUT     the folder for the shards (default: shards)
#   SWEEP   the sweep's axes and options (default below: 3 x 50 x 50 x 50 = 375,000 points)
#SBATCH --job-name=pimsim-sweep
#SBATCH --cpus-per-task=2
#SBATCH --time=00:20:00
#SBATCH --output=pimsim-sweep-%A-%a.log
set -euo pipefail

PIMSIM=${PIMSIM:-pimsim}
OUT=${OUT:-shards}
SWEEP=${SWEEP:---hw reram-1t1r --array-rows 72,144,288 --split 72 --readout auto --vary adc.energy_pj_by_adc_bits.9=0.5:4:50 --vary sense_amp.energy_pj=0.01:0.2:50log --vary array.cycle_ns=2:40:50}
K=${SLURM_ARRAY_TASK_ID:?run as a Slurm array job (sbatch --array=1-N) or set SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT}
N=${SLURM_ARRAY_TASK_COUNT:?run as a Slurm array job (sbatch --array=1-N) or set SLURM_ARRAY_TASK_COUNT}

mkdir -p "$OUT"
# Written under a temporary name and renamed when complete, so a failed or cancelled task
# leaves no partial shard for the merge to mistake for a whole one.
# shellcheck disable=SC2086  # SWEEP is a list of options
"$PIMSIM" sweep $SWEEP --format csv --shard "$K/$N" -o "$OUT/part-$K.csv.partial"
mv "$OUT/part-$K.csv.partial" "$OUT/part-$K.csv"
