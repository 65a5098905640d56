#!/bin/sh
# Runs pimsim-bench's GEMM and packing cases and the numpy (OpenBLAS) and PyTorch (MKL) GEMM
# timings on the same cases, one after the other, so all figures come from the same machine state.
#   examples/bench/compare.sh                 the kernels this CPU supports best
#   PIMSIM_ISA=avx2 examples/bench/compare.sh the AVX2 kernels (also on an AVX-512 machine)
# Output: one line per case, "name  median_ms  rate unit" (GFLOP/s = 2*M*N*K / time,
# GMAC/s = M*N*K / time). Figures vary by about +-15 % between runs on a shared 2-core machine;
# examples/bench/compare.py alternates pimsim and PyTorch and prints ratios.
set -eu
cd "$(dirname "$0")/../.."
echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
swift build -c release --product pimsim-bench >&2
.build/release/pimsim-bench "gemm"
.build/release/pimsim-bench "pack"
python3 examples/bench/gemm.py --library numpy
if python3 -c "import torch" 2>/dev/null; then python3 examples/bench/gemm.py --library torch; fi
