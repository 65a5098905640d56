#!/usr/bin/env python3
"""PyTorch mirror of `pimsim train`, for speed and memory comparisons (optional: needs torch).

Trains the same network on the same images with the same options as
`pimsim train --model M --quant Q --epochs E --batch B --threads T`: the zoo's LeNet-5 or
ResNet-20 (option-A shortcuts) for the data's 1x28x28 MNIST images, every weighted layer quantised
as pimsim does (twn: TWN ternary weights, stat: statistical scaling, xnor: binary weights with
per-channel scale, float: float32 weights and ReLU), ternary (xnor: sign) activations with
delta = tau * max|x| and a straight-through backward pass (|x| <= 1), batch norm after every
convolution, He-normal initialisation, SGD with momentum 0.9 (or Adam), cosine learning rate per
step, weight decay on convolution and linear weights only, softmax cross-entropy. Formulas:
docs/training.md. The parameter count printed first equals pimsim's for the same network.

Differences, all in PyTorch's favour unless --ghost-batch is given: pimsim's worker threads each
take a slice of the batch with their own batch-norm statistics and delta ("ghost batch norm");
here the whole batch shares them and PyTorch parallelises inside each operation. With
--ghost-batch the batch is cut into --threads slices, each run forward and backward on its own,
as pimsim does. Running variances use PyTorch's unbiased estimate (pimsim's is biased; it only
affects evaluation). Random numbers differ (same distributions).

Prints progress to stderr in pimsim's format, ending with
  epoch E/E: loss L, train accuracy A %, N images/s
(training loop only, no test pass) and "peak memory X MB" (the process's maximum resident set).
"""
import argparse
import math
import os
import resource
import struct
import sys
import time

import torch
import torch.nn.functional as F

TWN_FACTOR = 0.7  # Delta = 0.7 E|W| (WeightQuantizer.twnThresholdFactor)
STAT_BETA = 0.05  # statistical scaling's default beta
PIXEL_OFFSET, PIXEL_STEP = 128, 1 / 128  # x = (p - 128) / 128 (PixelEncoding)
BN_EPSILON, BN_MOMENTUM = 1e-5, 0.1


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    if magic == 0x0803:
        count, rows, columns = struct.unpack(">III", data[4:16])
        return torch.frombuffer(bytearray(data[16:]), dtype=torch.uint8).reshape(count, 1, rows, columns)
    if magic == 0x0801:
        count = struct.unpack(">I", data[4:8])[0]
        return torch.frombuffer(bytearray(data[8:]), dtype=torch.uint8).to(torch.long)[:count]
    raise SystemExit(f"{path}: expected an IDX file (magic 0x803 or 0x801), found 0x{magic:x}")


def load_mnist(directory, split):
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(os.path.join(directory, f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(os.path.join(directory, f"{prefix}-labels-idx1-ubyte"))
    return (images.to(torch.float32) - PIXEL_OFFSET) * PIXEL_STEP, labels


class STEQuantizer(torch.autograd.Function):
    """Forward: the quantised weights; backward: the gradient times the straight-through mask."""

    @staticmethod
    def forward(ctx, weight, quantized, mask):
        ctx.save_for_backward(mask)
        return quantized

    @staticmethod
    def backward(ctx, grad):
        (mask,) = ctx.saved_tensors
        return grad * mask, None, None


def quantize(weight, quant):
    """WeightQuantizer.quantize: the forward-pass weights of one layer."""
    if quant == "float":
        return weight
    w = weight.detach()
    magnitude = w.abs()
    if quant == "xnor":
        per_channel = magnitude.flatten(1).mean(1)
        alpha = torch.where(per_channel > 0, per_channel, torch.ones_like(per_channel))
        codes = torch.where(w >= 0, 1.0, -1.0)
        quantized = codes * alpha.view(-1, *([1] * (w.dim() - 1)))
        mask = (magnitude <= 1).to(w.dtype)
    else:
        if quant == "twn":
            threshold = TWN_FACTOR * magnitude.mean()
            kept = magnitude > threshold
            mask = torch.ones_like(w)
        else:  # stat: Delta = beta max|W|, inclusive
            threshold = STAT_BETA * magnitude.max()
            kept = magnitude >= threshold
            mask = (magnitude <= 1).to(w.dtype)
        count = kept.sum()
        total = (magnitude * kept).sum()
        alpha = torch.where((count > 0) & (total > 0), total / count.clamp(min=1), torch.ones_like(total))
        quantized = torch.sign(w) * kept * alpha
    return STEQuantizer.apply(weight, quantized, mask)


class ActivationSTE(torch.autograd.Function):
    """Ternary (delta) or sign activation, straight-through where |x| <= 1."""

    @staticmethod
    def forward(ctx, x, delta, sign):
        ctx.save_for_backward(x.abs() <= 1)
        if sign:
            return torch.where(x >= 0, 1.0, -1.0)
        return (x > delta).to(x.dtype) - (x < -delta).to(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (mask,) = ctx.saved_tensors
        return grad * mask, None, None


class Activation(torch.nn.Module):
    """ActivationLayer: delta = tau max|x| per batch in training, its running average otherwise."""

    def __init__(self, kind, tau):
        super().__init__()
        self.kind, self.tau = kind, tau
        self.register_buffer("delta", torch.zeros(()))
        self.started = False

    def forward(self, x):
        if self.kind == "relu":
            return F.relu(x)
        if self.kind == "sign":
            return ActivationSTE.apply(x, 0.0, True)
        if self.training:
            delta = self.tau * x.detach().abs().max()
            self.delta = delta if not self.started else (1 - BN_MOMENTUM) * self.delta + BN_MOMENTUM * delta
            self.started = True
        else:
            delta = self.delta
        return ActivationSTE.apply(x, delta, False)


class Weighted(torch.nn.Module):
    """Convolution or linear layer with quantised weights, He-normal initialisation."""

    def __init__(self, shape, quant, bias, stride=1, padding=0):
        super().__init__()
        fan_in = math.prod(shape[1:])
        self.weight = torch.nn.Parameter(torch.randn(shape) * math.sqrt(2 / fan_in))
        self.bias = torch.nn.Parameter(torch.zeros(shape[0])) if bias else None
        self.quant, self.stride, self.padding = quant, stride, padding

    def forward(self, x):
        w = quantize(self.weight, self.quant)
        if w.dim() == 2:
            return F.linear(x.flatten(1), w, self.bias)
        return F.conv2d(x, w, self.bias, self.stride, self.padding)


def conv_block(channels_in, channels_out, kernel, quant, activation, tau, stride=1, padding=0):
    layers = [Weighted((channels_out, channels_in, kernel, kernel), quant, False, stride, padding),
              torch.nn.BatchNorm2d(channels_out, eps=BN_EPSILON, momentum=BN_MOMENTUM)]
    if activation:
        layers.append(Activation(activation, tau))
    return torch.nn.Sequential(*layers)


class LeNet5(torch.nn.Module):
    """ModelZoo.lenet5: 32-C5 MP2 64-C5 MP2 512-FC classifier, batch norm after each hidden layer."""

    def __init__(self, quant, activation, tau, classes=10):
        super().__init__()
        self.conv1 = conv_block(1, 32, 5, quant, activation, tau)
        self.conv2 = conv_block(32, 64, 5, quant, activation, tau)
        self.fc1 = Weighted((512, 64 * 4 * 4), quant, False)
        self.fc1_bn = torch.nn.BatchNorm1d(512, eps=BN_EPSILON, momentum=BN_MOMENTUM)
        self.fc1_act = Activation(activation, tau)
        self.fc2 = Weighted((classes, 512), quant, True)

    def forward(self, x):
        x = F.max_pool2d(self.conv1(x), 2)
        x = F.max_pool2d(self.conv2(x), 2)
        return self.fc2(self.fc1_act(self.fc1_bn(self.fc1(x))))


class BasicBlock(torch.nn.Module):
    """GraphBuilder.basicBlock with an option-A shortcut (subsample, zero channels split evenly)."""

    def __init__(self, channels_in, channels_out, stride, quant, activation, tau):
        super().__init__()
        self.c1 = conv_block(channels_in, channels_out, 3, quant, activation, tau, stride, 1)
        self.c2 = conv_block(channels_out, channels_out, 3, quant, None, tau, 1, 1)
        self.act = Activation(activation, tau)
        self.stride, self.extra = stride, channels_out - channels_in

    def forward(self, x):
        shortcut = x
        if self.stride != 1 or self.extra:
            shortcut = x[:, :, ::self.stride, ::self.stride]
            before = self.extra // 2
            shortcut = F.pad(shortcut, (0, 0, 0, 0, before, self.extra - before))
        return self.act(self.c2(self.c1(x)) + shortcut)


class ResNet20(torch.nn.Module):
    """ModelZoo.resnet20: conv1, 3 stages x 3 basic blocks (16/32/64), global pooling, activation, fc."""

    def __init__(self, quant, activation, tau, channels=1, classes=10):
        super().__init__()
        self.conv1 = conv_block(channels, 16, 3, quant, activation, tau, 1, 1)
        blocks, width_in = [], 16
        for stage, width in enumerate([16, 32, 64]):
            for block in range(3):
                blocks.append(BasicBlock(width_in, width, 2 if stage > 0 and block == 0 else 1, quant, activation, tau))
                width_in = width
        self.blocks = torch.nn.Sequential(*blocks)
        self.pool_act = Activation(activation, tau)
        self.fc = Weighted((classes, 64), quant, True)

    def forward(self, x):
        x = self.blocks(self.conv1(x))
        return self.fc(self.pool_act(x.mean((2, 3), keepdim=True)))


def build(model, quant, tau):
    activation = {"float": "relu", "xnor": "sign"}.get(quant, "ternary")
    if model == "lenet5":
        return LeNet5(quant, activation, tau)
    if model == "resnet20":
        return ResNet20(quant, activation, tau)
    raise SystemExit(f"--model: expected lenet5 or resnet20, found {model!r}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--quant", default="twn", choices=["twn", "stat", "xnor", "float"])
    parser.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "data", "mnist5k"))
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--lr", type=float)
    parser.add_argument("--optimizer", default="sgd", choices=["sgd", "adam"])
    parser.add_argument("--weight-decay", type=float, default=5e-4)
    parser.add_argument("--act-threshold", type=float, default=0.03)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--train-limit", type=int)
    parser.add_argument("--ghost-batch", action="store_true", help="one slice of the batch per thread, as pimsim's workers")
    parser.add_argument("--quiet", action="store_true", help="only the end-of-epoch lines")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(args.seed)
    images, labels = load_mnist(args.data, "train")
    if args.train_limit:
        images, labels = images[:args.train_limit], labels[:args.train_limit]
    net = build(args.model, args.quant, args.act_threshold)
    print(f"parameters {sum(p.numel() for p in net.parameters())}", file=sys.stderr)
    decayed = [p for n, p in net.named_parameters() if n.endswith("weight") and p.dim() > 1]
    others = [p for n, p in net.named_parameters() if not (n.endswith("weight") and p.dim() > 1)]
    groups = [{"params": decayed, "weight_decay": args.weight_decay}, {"params": others, "weight_decay": 0}]
    base = args.lr if args.lr is not None else (0.001 if args.optimizer == "adam" else 0.1)
    optimizer = (torch.optim.SGD(groups, lr=base, momentum=0.9) if args.optimizer == "sgd"
                 else torch.optim.Adam(groups, lr=base, betas=(0.9, 0.999), eps=1e-8))
    n = len(labels)
    batches = (n + args.batch - 1) // args.batch
    total_steps = batches * args.epochs
    slices = args.threads if args.ghost_batch else 1
    generator = torch.Generator().manual_seed(args.seed)
    net.train()
    start = time.perf_counter()
    last_report = 0.0
    for epoch in range(args.epochs):
        order = torch.randperm(n, generator=generator)
        loss_sum, correct, seen = 0.0, 0, 0
        for b in range(batches):
            step = epoch * batches + b
            for group in optimizer.param_groups:
                group["lr"] = base * (1 + math.cos(math.pi * step / total_steps)) / 2
            index = order[b * args.batch:(b + 1) * args.batch]
            x, y = images[index], labels[index]
            optimizer.zero_grad(set_to_none=True)
            for part_x, part_y in zip(x.tensor_split(slices), y.tensor_split(slices)):
                logits = net(part_x)
                # Each slice's loss is normalised by the whole batch, so the gradients add up.
                loss = F.cross_entropy(logits, part_y, reduction="sum") / len(y)
                loss.backward()
                loss_sum += loss.item()
                correct += (logits.argmax(1) == part_y).sum().item()
            optimizer.step()
            seen += len(y)
            elapsed = time.perf_counter() - start
            if not args.quiet and (elapsed - last_report >= 2 or b + 1 == batches):
                last_report = elapsed
                rate = (step * args.batch + len(y)) / elapsed
                print(f"epoch {epoch + 1}/{args.epochs} batch {b + 1}/{batches}: loss {loss_sum / (b + 1):.4f}, "
                      f"accuracy {100 * correct / seen:.2f} %, {rate:.0f} images/s", file=sys.stderr, flush=True)
        elapsed = time.perf_counter() - start
        print(f"epoch {epoch + 1}/{args.epochs}: loss {loss_sum / batches:.4f}, train accuracy {100 * correct / seen:.2f} %, "
              f"{(epoch + 1) * n / elapsed:.0f} images/s", file=sys.stderr, flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()
