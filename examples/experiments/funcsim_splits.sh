#!/usr/bin/env bash
# Accuracy of the five split configurations of a trained MNIST ResNet-20 on 144-row 1T1R ReRAM
# arrays with non-idealities (docs/functional-sim.md, "Example: split ResNet-20"): each split is
# trained once (TNN: statistical-scaling ternary weights and ternary inputs, seed 1), then
# `pimsim eval --hw` sweeps the conductance variation and the comparator offset over the five
# files. Usage, from the repository root:
#   examples/experiments/funcsim_splits.sh [OUT_DIR]
# Environment: EPOCHS (default 3), OPTS (default "--optimizer adam --lr 0.025 --batch 32 --act-threshold 0.07", docs/training.md section 7),
# TRIALS (default 5), SEED (default 1, of the Monte Carlo trials), HW (default reram-1t1r),
# SPLITS (default "none 144:72 144 72 36"), EVAL_OPTS (default none; e.g. "--test-limit 200"),
# PIMSIM (default .build/release/pimsim; build it first with `swift build -c release`),
# NETS (default none: train them; else the trained files to sweep, e.g. better-trained ones,
# in the order of SPLITS; each is labelled by the split recorded in it).
# Resumable: a trained network already in OUT_DIR is reused.
# Writes OUT_DIR/table.md: the networks (split, integer test accuracy, training command) and both
# sweeps as text tables (docs/functional-sim.md, section 6, is this file).
set -euo pipefail
OUT=${1:-funcsim_splits_runs}
EPOCHS=${EPOCHS:-3}
OPTS=${OPTS:-"--optimizer adam --lr 0.025 --batch 32 --act-threshold 0.07 --zero-gamma"}
TRIALS=${TRIALS:-5}
SEED=${SEED:-1}
HW=${HW:-reram-1t1r}
SPLITS=${SPLITS:-"none 144:72 144 72 36"}
EVAL_OPTS=${EVAL_OPTS:-}
PIMSIM=${PIMSIM:-.build/release/pimsim}
mkdir -p "$OUT"
nets=()
if [ -n "${NETS:-}" ]; then
  read -r -a nets <<< "$NETS"
else
  for split in $SPLITS; do
    net="$OUT/r20-${split/:/-}.json"
    if [ ! -f "$net" ]; then
      "$PIMSIM" train --model resnet20 --split "$split" --quant stat --epochs "$EPOCHS" --seed 1 $OPTS -o "$net" 2> "$net.log"
    fi
    nets+=("$net")
  done
fi
for sweep in conductance=0:0.2:5 sa-offset=0:2:3; do
  name=${sweep%%=*}
  "$PIMSIM" eval "${nets[@]}" --hw "$HW" --sweep-sigma "$sweep" --trials "$TRIALS" --seed "$SEED" $EVAL_OPTS \
    --svg "$OUT/$name.svg" | tee "$OUT/$name.txt"
done
{
  echo "Networks (test accuracy: \`pimsim eval NET $EVAL_OPTS\`, integer evaluation; command: as recorded in the file):"
  echo
  echo "| file | split | test accuracy | training command |"
  echo "|---|---|---|---|"
  for net in "${nets[@]}"; do
    split=$(grep -o '"split": "[^"]*"' "$net" | head -n 1 | cut -d'"' -f4)
    command=$(grep -o '"command": "[^"]*"' "$net" | head -n 1 | cut -d'"' -f4)
    accuracy=$("$PIMSIM" eval "$net" $EVAL_OPTS 2> /dev/null | grep -o 'test accuracy [0-9.]* %' | head -n 1)
    echo "| $(basename "$net") | ${split:-?} | ${accuracy#test accuracy } | \`${command:-unknown}\` |"
  done
  echo
  echo "Sweeps: \`pimsim eval NETS --hw $HW --sweep-sigma NAME=A:B:N --trials $TRIALS --seed $SEED $EVAL_OPTS\`"
  for name in conductance sa-offset; do
    echo
    echo '```'
    cat "$OUT/$name.txt"
    echo '```'
  done
} > "$OUT/table.md"
