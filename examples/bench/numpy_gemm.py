#!/usr/bin/env python3
"""Times numpy float32 matrix products (OpenBLAS) on the shapes of pimsim-bench's kernel suite.

Prints one line per case in pimsim-bench's format: name, median ms, GFLOP/s (2*M*N*K / time).
Threads: OpenBLAS reads OPENBLAS_NUM_THREADS when numpy is imported, so each thread count runs
in its own interpreter: `numpy_gemm.py --threads 1`, `--threads 2` (default: 1 and all cores).
"""
import argparse
import os
import subprocess
import sys
import time

SHAPES = [("M64 K576 N8192", 64, 576, 8192), ("512^3", 512, 512, 512)]
ITERATIONS = 15


def run_cases(threads):
    os.environ["OPENBLAS_NUM_THREADS"] = str(threads)  # read when numpy loads OpenBLAS
    import numpy as np

    rng = np.random.default_rng(1)
    for label, m, k, n in SHAPES:
        a = rng.uniform(-1, 1, (m, k)).astype(np.float32)
        b = rng.uniform(-1, 1, (k, n)).astype(np.float32)
        c = np.empty((m, n), dtype=np.float32)
        np.matmul(a, b, out=c)  # warm-up, as pimsim-bench does
        samples = []
        for _ in range(ITERATIONS):
            start = time.perf_counter_ns()
            np.matmul(a, b, out=c)
            samples.append((time.perf_counter_ns() - start) / 1e6)
        samples.sort()
        ms = samples[len(samples) // 2]
        name = f"numpy gemm {label} {threads}T"
        print(f"{name:<52} {ms:10.3f} ms {2 * m * n * k / (ms * 1e6):10.1f} GFLOP/s", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, help="OpenBLAS threads (default: 1 and all cores)")
    args = parser.parse_args()
    if args.threads is not None:
        run_cases(args.threads)
        return
    for threads in sorted({1, os.cpu_count() or 1}):
        subprocess.run([sys.executable, __file__, "--threads", str(threads)], check=True)


if __name__ == "__main__":
    main()
