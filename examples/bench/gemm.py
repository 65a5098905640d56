#!/usr/bin/env python3
"""Times float32 matrix products in numpy (OpenBLAS) or PyTorch (MKL) on pimsim-bench's cases.

Prints one line per case in pimsim-bench's format and under the same names ("float gemm NAME
NT"): median ms of 15 runs after one warm-up, GFLOP/s = 2*M*N*K / time. The cases are those of
Sources/pimsim-bench/KernelBenchmarks.swift: a conv-shaped product, 512^3, and for each
training convolution its forward product, weight gradient (dY @ patches.T) and input gradient
(W.T @ dY), transposes passed as views so the library sees the same layout as pimsim.

  gemm.py --library torch --threads 1 [--filter TEXT]
Threads: numpy's OpenBLAS reads OPENBLAS_NUM_THREADS at import, so each thread count runs in its
own interpreter (default: 1 and all cores). To time the AVX2 path of the libraries on an AVX-512
machine set MKL_ENABLE_INSTRUCTIONS=AVX2 ATEN_CPU_CAPABILITY=avx2 (compare.py --isa avx2 does).
"""
import argparse
import os
import subprocess
import sys
import time

ITERATIONS = 15
# (label, M, K, N): keep in step with KernelBenchmarks.swift.
SHAPES = [("M64 K576 N8192", 64, 576, 8192), ("512^3", 512, 512, 512)]
TRAINING = [
    ("resnet20 s1 M16 K144 N50176", 16, 144, 50176),
    ("resnet20 s2 M32 K288 N12544", 32, 288, 12544),
    ("resnet20 s3 M64 K576 N3136", 64, 576, 3136),
    ("lenet5 conv1 M32 K25 N36864", 32, 25, 36864),
    ("lenet5 conv2 M64 K800 N4096", 64, 800, 4096),
]


def cases():
    """(name, m, n, k, transpose_a, transpose_b) as pimsim-bench defines them."""
    for label, m, k, n in SHAPES:
        yield label, m, n, k, False, False
    for label, m, k, n in TRAINING:
        yield f"{label} fwd", m, n, k, False, False
        yield f"{label} dW", m, k, n, False, True
        yield f"{label} dX", k, n, m, True, False


def run_cases(library, threads, text_filter):
    os.environ["OPENBLAS_NUM_THREADS"] = str(threads)  # read when numpy loads OpenBLAS
    import numpy as np

    if library == "torch":
        import torch

        torch.set_num_threads(threads)
    rng = np.random.default_rng(1)
    for name, m, n, k, transpose_a, transpose_b in cases():
        full = f"float gemm {name} {threads}T"
        if text_filter and text_filter not in full:
            continue
        # Stored as pimsim stores them: A is m x k (or k x m when transposed), B k x n (or n x k).
        a = rng.uniform(-1, 1, (k, m) if transpose_a else (m, k)).astype(np.float32)
        b = rng.uniform(-1, 1, (n, k) if transpose_b else (k, n)).astype(np.float32)
        c = np.empty((m, n), dtype=np.float32)
        if library == "torch":
            a, b, c = torch.from_numpy(a), torch.from_numpy(b), torch.from_numpy(c)
            op_a, op_b = (a.t() if transpose_a else a), (b.t() if transpose_b else b)

            def product():
                torch.mm(op_a, op_b, out=c)
        else:
            op_a, op_b = (a.T if transpose_a else a), (b.T if transpose_b else b)

            def product():
                np.matmul(op_a, op_b, out=c)
        product()  # warm-up, as pimsim-bench does
        samples = []
        for _ in range(ITERATIONS):
            start = time.perf_counter_ns()
            product()
            samples.append((time.perf_counter_ns() - start) / 1e6)
        samples.sort()
        ms = samples[len(samples) // 2]
        print(f"{full:<52} {ms:10.3f} ms {2 * m * n * k / (ms * 1e6):10.1f} GFLOP/s", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", choices=["numpy", "torch"], default="numpy")
    parser.add_argument("--threads", type=int, help="library threads (default: 1 and all cores)")
    parser.add_argument("--filter", default="", help="only cases whose name contains this text")
    parser.add_argument("--list", action="store_true", help="print the case names (with --threads) and stop")
    args = parser.parse_args()
    if args.list:
        for name, *_ in cases():
            full = f"float gemm {name} {args.threads or 1}T"
            if args.filter in full:
                print(full)
        return
    if args.threads is not None:
        run_cases(args.library, args.threads, args.filter)
        return
    for threads in sorted({1, os.cpu_count() or 1}):
        subprocess.run([sys.executable, __file__, "--library", args.library, "--threads", str(threads), "--filter", args.filter],
                       check=True)


if __name__ == "__main__":
    main()
