#!/usr/bin/env python3
"""Runs pimsim and PyTorch alternately on the same work and prints their ratios (optional: needs torch).

  compare.py gemm  [--filter TEXT] [--threads 1]       float GEMM cases, pimsim-bench vs gemm.py --library torch
  compare.py train --model lenet5|resnet20 [--threads T] [--epochs 1]
                                                       pimsim train vs torch_train.py: images/s and peak memory
  compare.py eval  --model lenet5|resnet20 [--threads T] [--net FILE]
                                                       pimsim eval (integer) vs torch_eval.py (float forward)
Common options: --rounds R (default 3; each round runs pimsim then PyTorch, so both see the same
machine state), --isa avx2 (pimsim's AVX2 kernels via PIMSIM_ISA, PyTorch's via
MKL_ENABLE_INSTRUCTIONS=AVX2, ATEN_CPU_CAPABILITY=avx2 and ONEDNN_MAX_CPU_ISA=AVX2: the AVX2
comparison on an AVX-512 machine), --torch-passive (OMP_WAIT_POLICY=PASSIVE for PyTorch, for
multi-thread runs on a shared machine), --pin CPUS (run both sides under `taskset -c CPUS`, e.g.
--pin 1 with --threads 1: one core for certain), --pimsim PATH (default .build/release/pimsim,
built first).

Ratios are pimsim / PyTorch for speeds (above 1: pimsim faster) and for memory (below 1: pimsim
smaller). Each train and eval line also gives the cores each process used (its user + system CPU
time over its wall time, from wait4), which shows whether `--threads 1` kept to one core. The
load average is printed before and after, since the machine may be shared.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BENCH = os.path.join(ROOT, "examples", "bench")
EPOCH = re.compile(r"epoch (\d+)/\d+: loss ([0-9.]+).*?([0-9.]+) images/s")
EVALUATED = re.compile(r"evaluated (\d+) images in ([0-9.]+) ms")
ACCURACY = re.compile(r"test accuracy ([0-9.]+) %")
GEMM = re.compile(r"^(float gemm .*?)\s+([0-9.]+) ms\s+([0-9.]+) GFLOP/s", re.M)


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def environments(isa, passive):
    pimsim, torch = dict(os.environ), dict(os.environ)
    if passive:
        torch["OMP_WAIT_POLICY"] = "PASSIVE"
    if isa:
        pimsim["PIMSIM_ISA"] = isa
        if isa == "avx2":
            torch.update(MKL_ENABLE_INSTRUCTIONS="AVX2", ATEN_CPU_CAPABILITY="avx2", ONEDNN_MAX_CPU_ISA="AVX2")
    return pimsim, torch


PIN = []  # ["taskset", "-c", CPUS] with --pin


def spawn(command, env):
    """Runs a command; returns (stdout, stderr, peak resident set of the child in MB, cores used:
    CPU time over wall time)."""
    command = PIN + command
    stdout, stderr = tempfile.TemporaryFile(mode="w+"), tempfile.TemporaryFile(mode="w+")
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.dup2(stdout.fileno(), 1)
        os.dup2(stderr.fileno(), 2)
        os.execvpe(command[0], command, env)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    stdout.seek(0)
    stderr.seek(0)
    out, err = stdout.read(), stderr.read()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(command)} failed ({os.waitstatus_to_exitcode(status)}):\n{err[-2000:]}")
    return out, err, usage.ru_maxrss / 1024, (usage.ru_utime + usage.ru_stime) / wall


def summary(label, values):
    values = [v for v in values if v == v]
    if not values:
        return f"{label}: -"
    low, high = min(values), max(values)
    return f"{label}: {low:.2f}" + (f"-{high:.2f}" if high - low >= 0.005 else "") + " (" + ", ".join(f"{v:.2f}" for v in values) + ")"


def compare_gemm(args, pimsim_env, torch_env):
    """Case by case: pimsim then PyTorch on the same case, `rounds` times, so each ratio compares
    two measurements taken seconds apart."""
    bench = os.path.join(os.path.dirname(args.pimsim), "pimsim-bench")
    suffix = f" {args.threads}T"
    out, _, _, _ = spawn([sys.executable, os.path.join(BENCH, "gemm.py"), "--list", "--threads", str(args.threads),
                       "--filter", args.filter], torch_env)
    names = [line for line in out.splitlines() if line.endswith(suffix)]
    ratios = {name: [] for name in names}
    for round_ in range(args.rounds):
        for name in names:
            out, _, _, _ = spawn([bench, name], pimsim_env)
            mine = float(GEMM.search(out).group(3))
            out, _, _, _ = spawn([sys.executable, os.path.join(BENCH, "gemm.py"), "--library", "torch", "--threads", str(args.threads),
                               "--filter", name], torch_env)
            theirs = float(GEMM.search(out).group(3))
            ratios[name].append(mine / theirs)
            print(f"round {round_ + 1}: {name:<48} pimsim {mine:7.1f}  torch {theirs:7.1f} GFLOP/s  ratio {mine / theirs:.2f}  load {load()}",
                  flush=True)
    print()
    for name, values in ratios.items():
        print(summary(f"{name:<48} pimsim / torch", values))


def compare_train(args, pimsim_env, torch_env):
    common = ["--model", args.model, "--quant", args.quant, "--epochs", str(args.epochs), "--threads", str(args.threads),
              "--batch", str(args.batch), "--quiet"] + (["--train-limit", str(args.train_limit)] if args.train_limit else [])
    speed, memory = [], []
    with tempfile.TemporaryDirectory() as scratch:
        for round_ in range(args.rounds):
            _, err, pimsim_peak, pimsim_cores = spawn([args.pimsim, "train"] + common + ["-o", os.path.join(scratch, "net.json")], pimsim_env)
            _, pimsim_loss, pimsim_rate = EPOCH.findall(err)[-1]
            _, err, torch_peak, torch_cores = spawn([sys.executable, os.path.join(BENCH, "torch_train.py")] + common, torch_env)
            _, torch_loss, torch_rate = EPOCH.findall(err)[-1]
            speed.append(float(pimsim_rate) / float(torch_rate))
            memory.append(pimsim_peak / torch_peak)
            print(f"round {round_ + 1}: pimsim {float(pimsim_rate):.0f} images/s, loss {pimsim_loss}, peak {pimsim_peak:.0f} MB, "
                  f"{pimsim_cores:.2f} cores; torch {float(torch_rate):.0f} images/s, loss {torch_loss}, peak {torch_peak:.0f} MB, "
                  f"{torch_cores:.2f} cores; load {load()}", flush=True)
    print(summary(f"train {args.model} {args.threads} threads: images/s pimsim / torch", speed))
    print(summary(f"train {args.model} {args.threads} threads: peak memory pimsim / torch", memory))


def compare_eval(args, pimsim_env, torch_env):
    with tempfile.TemporaryDirectory() as scratch:
        net = args.net
        if net is None:
            net = os.path.join(scratch, "net.json")
            print(f"training {args.model} ({args.quant}, 1 epoch) to evaluate ...", file=sys.stderr, flush=True)
            spawn([args.pimsim, "train", "--model", args.model, "--quant", args.quant, "--epochs", "1", "--quiet", "-o", net],
                  pimsim_env)
        speed = []
        for round_ in range(args.rounds):
            out, err, _, pimsim_cores = spawn([args.pimsim, "eval", net, "--threads", str(args.threads)], pimsim_env)
            images, pimsim_ms = EVALUATED.findall(err)[-1]
            pimsim_accuracy = ACCURACY.findall(out)[-1]
            _, err, _, torch_cores = spawn([sys.executable, os.path.join(BENCH, "torch_eval.py"), net, "--threads", str(args.threads)], torch_env)
            _, torch_ms = EVALUATED.findall(err)[-1]
            torch_accuracy = ACCURACY.findall(err)[-1]
            speed.append(float(torch_ms) / float(pimsim_ms))
            print(f"round {round_ + 1}: {images} images: pimsim {float(pimsim_ms):.1f} ms (accuracy {pimsim_accuracy} %, "
                  f"{pimsim_cores:.2f} cores), torch {float(torch_ms):.1f} ms (accuracy {torch_accuracy} %, {torch_cores:.2f} cores); "
                  f"load {load()}", flush=True)
    print(summary(f"eval {args.model} {args.threads} threads: speed pimsim / torch", speed))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["gemm", "train", "eval"])
    parser.add_argument("--model", default="lenet5")
    parser.add_argument("--quant", default="twn")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--train-limit", type=int, help="train: only the first N training images")
    parser.add_argument("--filter", default="", help="gemm: only cases whose name contains this text")
    parser.add_argument("--net", help="eval: a trained net.json (default: train one first)")
    parser.add_argument("--isa", help="avx2, avx512 or baseline (pimsim) and the same limit for PyTorch where it has one")
    parser.add_argument("--pin", help="run both sides under taskset -c PIN (e.g. 1: one core)")
    parser.add_argument("--pimsim", default=os.path.join(ROOT, ".build", "release", "pimsim"))
    parser.add_argument("--torch-passive", action="store_true",
                        help="OMP_WAIT_POLICY=PASSIVE for PyTorch: its OpenMP threads sleep instead of spinning while they wait, "
                             "which keeps a 2-thread PyTorch from collapsing when other processes share the cores")
    args = parser.parse_args()
    if args.pimsim == os.path.join(ROOT, ".build", "release", "pimsim"):
        subprocess.run(["swift", "build", "-c", "release"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    pimsim_env, torch_env = environments(args.isa, args.torch_passive)
    if args.pin:
        PIN[:] = ["taskset", "-c", args.pin]
    print(f"# {args.what} {args.model if args.what != 'gemm' else ''} threads {args.threads} isa {args.isa or 'best'}"
          f"{' torch passive' if args.torch_passive else ''}{' pinned to CPU ' + args.pin if args.pin else ''}; load before {load()}", flush=True)
    {"gemm": compare_gemm, "train": compare_train, "eval": compare_eval}[args.what](args, pimsim_env, torch_env)
    print(f"# load after {load()}")


if __name__ == "__main__":
    main()
