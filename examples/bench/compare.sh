#!/bin/sh
# Runs pimsim-bench's kernel suite and the numpy (OpenBLAS) GEMM timings on the same shapes, one
# after the other, so both sets of figures come from the same machine state.
#   examples/bench/compare.sh            host-tuned release build (the default)
#   PIMSIM_PORTABLE=1 examples/bench/compare.sh
#                                        portable build (baseline x86-64), in .build-portable
# Output: one line per case, "name  median_ms  rate unit" (GFLOP/s = 2*M*N*K / time,
# GMAC/s = M*N*K / time). Figures vary by about +-15 % between runs on a shared 2-core machine.
set -eu
cd "$(dirname "$0")/../.."
if [ -n "${PIMSIM_PORTABLE:-}" ]; then
    scratch=.build-portable
else
    scratch=.build
fi
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, build: ${PIMSIM_PORTABLE:+portable}${PIMSIM_PORTABLE:-host-tuned (-target-cpu native)}"
swift build -c release --scratch-path "$scratch" --product pimsim-bench >&2
"$scratch/release/pimsim-bench" "gemm"
"$scratch/release/pimsim-bench" "pack"
python3 examples/bench/numpy_gemm.py
