#!/usr/bin/env bash
# LeNet-5 on the built-in MNIST subset (4,000 train / 1,000 test): TWN, statistical scaling and
# float32, 3 seeds each. Reproduces the LeNet-5 table in docs/training.md. From the repository root:
#   examples/experiments/lenet5_mnist.sh [OUT_DIR]
# Environment: PIMSIM (default .build/release/pimsim), SEEDS (default "1 2 3"), EPOCHS (default 15),
# THREADS (default 2), OPTS (more train options, default none).
# Resumable: rerun with the same OUT_DIR and finished runs are skipped; a run is reused only when
# quant, seed, EPOCHS, OPTS, THREADS and `pimsim --version` all match (results.tsv records them).
set -euo pipefail
OUT=${1:-lenet5_mnist_runs}
PIMSIM=${PIMSIM:-.build/release/pimsim}
SEEDS=${SEEDS:-"1 2 3"}
EPOCHS=${EPOCHS:-15}
THREADS=${THREADS:-2}
OPTS=${OPTS:-}
mkdir -p "$OUT"
RESULTS="$OUT/results.tsv"
# Resume key: quant, seed, epochs (columns 1-3) and everything else that changes a result (column 5).
OPTIONS="$("$PIMSIM" --version) --augment crop --pad 2 --threads $THREADS $OPTS"
[ -f "$RESULTS" ] || printf 'quant\tseed\tepochs\taccuracy\toptions\n' > "$RESULTS"
for seed in $SEEDS; do
  for quant in twn stat float; do
    if awk -F'\t' -v a="$quant" -v b="$seed" -v c="$EPOCHS" -v o="$OPTIONS" \
         '$1 == a && $2 == b && $3 == c && $5 == o { found = 1 } END { exit !found }' "$RESULTS"; then continue; fi
    acc=$("$PIMSIM" train --model lenet5 --quant "$quant" --epochs "$EPOCHS" --augment crop --pad 2 --seed "$seed" --threads "$THREADS" $OPTS --quiet \
            -o "$OUT/lenet5_${quant}_s${seed}.json" 2> "$OUT/lenet5_${quant}_s${seed}.log" | sed -n 's/^test accuracy \([0-9.]*\) %.*/\1/p')
    printf '%s\t%s\t%s\t%s\t%s\n' "$quant" "$seed" "$EPOCHS" "$acc" "$OPTIONS" >> "$RESULTS"
    echo "lenet5 $quant seed $seed: $acc %"
  done
done
awk -F'\t' -v epochs="$EPOCHS" -v o="$OPTIONS" 'NR > 1 && $3 == epochs && $5 == o { n[$1]++; s[$1] += $4; q[$1] += $4 * $4; all[$1] = all[$1] " " $4 }
  END {
    printf "| quantiser | test accuracy (%%), mean (± std) | runs |\n|---|---|---|\n"
    split("twn stat float", order, " ")
    for (i = 1; i <= 3; i++) { k = order[i]; if (!n[k]) continue; m = s[k] / n[k]; v = n[k] > 1 ? (q[k] - n[k] * m * m) / (n[k] - 1) : 0; if (v < 0) v = 0
      printf "| %s | %.2f (± %.2f) |%s |\n", k, m, sqrt(v), all[k] }
  }' "$RESULTS"
