#!/usr/bin/env bash
# Seed 000's split experiment (TNN vs XNOR-Net at five split configurations) on the built-in
# MNIST subset (4,000 train / 1,000 test), ResNet-20 adapted to 1x28x28 input, 3 seeds.
# Reproduces the table in docs/training.md. Usage, from the repository root:
#   examples/experiments/seed000_mnist.sh [OUT_DIR]
# Environment: SPLITS (default "none 144:72 144 72 36"), EPOCHS (default 1), OPTS (default "--optimizer adam --lr 0.005 --batch 64"), SEEDS (default "1 2 3"), PIMSIM (default .build/release/pimsim;
# build it first with `swift build -c release`), THREADS (default 2).
# TNN = statistical-scaling ternary weights (β = 0.05) and ternary inputs (τ = 0.03);
# XNOR-Net = binary weights with per-channel scales and sign activations.
set -euo pipefail
OUT=${1:-seed000_mnist_runs}
EPOCHS=${EPOCHS:-1}
OPTS=${OPTS:-"--optimizer adam --lr 0.005 --batch 64"}
SEEDS=${SEEDS:-"1 2 3"}
PIMSIM=${PIMSIM:-.build/release/pimsim}
THREADS=${THREADS:-2}
SPLITS=${SPLITS:-"none 144:72 144 72 36"}
mkdir -p "$OUT"
RESULTS="$OUT/results.tsv"
[ -f "$RESULTS" ] || printf 'split\tquant\tseed\tepochs\taccuracy\n' > "$RESULTS"
for seed in $SEEDS; do
  for split in $SPLITS; do
    for quant in stat xnor; do
      tag="resnet20_${split/:/-}_${quant}_s${seed}"
      if grep -q "^${split}	${quant}	${seed}	${EPOCHS}	" "$RESULTS"; then continue; fi
      acc=$("$PIMSIM" train --model resnet20 --split "$split" --quant "$quant" --epochs "$EPOCHS" --seed "$seed" \
              --threads "$THREADS" $OPTS --quiet -o "$OUT/$tag.json" 2> "$OUT/$tag.log" | sed -n 's/^test accuracy \([0-9.]*\) %.*/\1/p')
      printf '%s\t%s\t%s\t%s\t%s\n' "$split" "$quant" "$seed" "$EPOCHS" "$acc" >> "$RESULTS"
      echo "$tag: $acc %"
    done
  done
done
# mean and sample standard deviation over seeds, TNN beside XNOR-Net
awk -F'\t' -v epochs="$EPOCHS" 'NR > 1 && $4 == epochs { k = $1 SUBSEP $2; n[k]++; s[k] += $5; q[k] += $5 * $5 }
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
