#!/usr/bin/env bash
# Seed 000's split experiment (TNN vs XNOR-Net at five split configurations) on the built-in
# MNIST subset (4,000 train / 1,000 test), ResNet-20 adapted to 1x28x28 input, 3 seeds.
# Reproduces the table in docs/training.md. Usage, from the repository root:
#   examples/experiments/seed000_mnist.sh [OUT_DIR]
# Environment: SPLITS (default "none 144:72 144 72 36"), QUANTS (default "stat xnor"), EPOCHS
# (default 3), OPTS (default "--optimizer adam --lr 0.025 --batch 32 --act-threshold 0.07 --zero-gamma"), SEEDS (default "1 2 3"),
# PIMSIM (default .build/release/pimsim; build it first with `swift build -c release`), THREADS
# (default 2). Two instances may share OUT_DIR (e.g. one per SPLITS subset, to use 2 jobs).
# Resumable: rerun with the same OUT_DIR and finished runs are skipped; a run is reused only when
# split, quant, seed, EPOCHS, OPTS, THREADS and `pimsim --version` all match (results.tsv records them).
# TNN = statistical-scaling ternary weights (β = 0.05) and ternary inputs (τ = 0.03);
# XNOR-Net = binary weights with per-channel scales and sign activations.
set -euo pipefail
OUT=${1:-seed000_mnist_runs}
EPOCHS=${EPOCHS:-3}
OPTS=${OPTS:-"--optimizer adam --lr 0.025 --batch 32 --act-threshold 0.07 --zero-gamma"}
QUANTS=${QUANTS:-"stat xnor"}
SEEDS=${SEEDS:-"1 2 3"}
PIMSIM=${PIMSIM:-.build/release/pimsim}
THREADS=${THREADS:-2}
SPLITS=${SPLITS:-"none 144:72 144 72 36"}
mkdir -p "$OUT"
RESULTS="$OUT/results.tsv"
# Resume key: a run is reused only if everything that changes its result matches: split, quant,
# seed, epochs (columns 1-4) and the rest (column 6): the pimsim release, THREADS and OPTS.
OPTIONS="$("$PIMSIM" --version) --threads $THREADS $OPTS"
[ -f "$RESULTS" ] || printf 'split\tquant\tseed\tepochs\taccuracy\toptions\n' > "$RESULTS"
for seed in $SEEDS; do
  for split in $SPLITS; do
    for quant in $QUANTS; do
      tag="resnet20_${split/:/-}_${quant}_s${seed}"
      if awk -F'\t' -v a="$split" -v b="$quant" -v c="$seed" -v d="$EPOCHS" -v o="$OPTIONS" \
           '$1 == a && $2 == b && $3 == c && $4 == d && $6 == o { found = 1 } END { exit !found }' "$RESULTS"; then continue; fi
      acc=$("$PIMSIM" train --model resnet20 --split "$split" --quant "$quant" --epochs "$EPOCHS" --seed "$seed" \
              --threads "$THREADS" $OPTS --quiet -o "$OUT/$tag.json" 2> "$OUT/$tag.log" | sed -n 's/^test accuracy \([0-9.]*\) %.*/\1/p')
      printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$split" "$quant" "$seed" "$EPOCHS" "$acc" "$OPTIONS" >> "$RESULTS"
      echo "$tag: $acc %"
    done
  done
done
# mean and sample standard deviation over seeds (runs with these EPOCHS and options), TNN beside XNOR-Net
awk -F'\t' -v epochs="$EPOCHS" -v o="$OPTIONS" 'NR > 1 && $4 == epochs && $6 == o { k = $1 SUBSEP $2; n[k]++; s[k] += $5; q[k] += $5 * $5 }
  END {
    split("none 144:72 144 72 36", order, " ")
    printf "| split | TNN accuracy (%%) | XNOR-Net accuracy (%%) | TNN - XNOR |\n|---|---|---|---|\n"
    for (i = 1; i <= 5; i++) {
      line = "| " order[i]
      for (j = 1; j <= 2; j++) {
        k = order[i] SUBSEP (j == 1 ? "stat" : "xnor")
        if (n[k] == 0) { line = line " | -"; m[j] = ""; continue }
        mean = s[k] / n[k]; var = n[k] > 1 ? (q[k] - n[k] * mean * mean) / (n[k] - 1) : 0
        if (var < 0) var = 0
        line = line sprintf(" | %.2f (±%.2f, n=%d)", mean, sqrt(var), n[k]); m[j] = mean
      }
      line = line ((m[1] != "" && m[2] != "") ? sprintf(" | %+.2f |", m[1] - m[2]) : " | - |")
      print line
    }
  }' "$RESULTS"
