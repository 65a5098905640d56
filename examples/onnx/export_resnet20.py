#!/usr/bin/env python3
"""Export a split ternary ResNet-20 (seed 000's "all split to 72") to ONNX from PyTorch.

Writes the fixture Tests/Fixtures/onnx/resnet20-split72.onnx:

    python3 examples/onnx/export_resnet20.py [OUT.onnx] [--split 72] [--seed 20]

The network is pimsim's zoo resnet20 (CIFAR, 3x32x32, option-A shortcuts) split as
`pimsim params resnet20 --split 72` splits it: every 3x3 convolution with more than 72
connections becomes a grouped convolution, a ternary group activation and a 1x1 convolution
(docs/reproducing.md). Weights are random ternary codes (seeded) with random per-channel scales,
held as int8 codes times float32 scales; batch norm is explicit (BatchNormalization); block
activations are QONNX Quant (2-bit signed narrow, scale 1: thresholds +-0.5 on the batch norm
output); group activations are ONNX Sign; the input is divided by 128 (an ONNX Div that pimsim
folds into the first layer's scale). It exercises the importer, not accuracy: the weights are
not trained. Needs torch, numpy and onnx.
"""

import argparse
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pimsim_onnx  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(os.path.dirname(os.path.dirname(HERE)), "Tests", "Fixtures", "onnx")


class Weights:
    """Seeded random ternary codes, scales and batch-norm statistics."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)

    def codes(self, shape):
        return self.rng.choice(np.array([-1, 0, 1], dtype=np.int8), size=shape, p=[0.3, 0.4, 0.3])

    def scales(self, n):
        return self.rng.uniform(0.05, 0.2, n).astype(np.float32)

    def conv(self, cin, cout, k, stride=1, groups=1):
        return pimsim_onnx.TernaryConv2d(self.codes((cout, cin // groups, k, k)), self.scales(cout),
                                         stride=stride, padding=k // 2, groups=groups)

    def batch_norm(self, n):
        bn = nn.BatchNorm2d(n)
        bn.weight.data = torch.from_numpy(self.rng.uniform(0.5, 1.5, n).astype(np.float32))
        bn.bias.data = torch.from_numpy(self.rng.normal(0, 0.1, n).astype(np.float32))
        bn.running_mean.data = torch.from_numpy(self.rng.normal(0, 0.1, n).astype(np.float32))
        bn.running_var.data = torch.from_numpy(self.rng.uniform(0.5, 2, n).astype(np.float32))
        return bn.eval()


def split_factor(connections, split, cin, cout):
    """pimsim's NetworkSplitter: the smallest m >= connections / split dividing both channel counts."""
    if connections <= split:
        return 1
    smallest = -(-connections // split)
    return next((m for m in range(max(smallest, 2), cin + 1) if cin % m == 0 and cout % m == 0), 1)


class SplitConv(nn.Module):
    """A 3x3 ternary convolution split as pimsim splits it: grouped conv, Sign, 1x1 conv."""

    def __init__(self, w, cin, cout, stride, split):
        super().__init__()
        self.groups = split_factor(9 * cin, split, cin, cout)
        self.conv = w.conv(cin, cout, 3, stride, self.groups)
        if self.groups > 1:
            self.pw = w.conv(cout, cout, 1)

    def forward(self, x):
        y = self.conv(x)
        return self.pw(torch.sign(y)) if self.groups > 1 else y


class Block(nn.Module):
    def __init__(self, w, cin, cout, stride, split):
        super().__init__()
        self.c1, self.bn1, self.act1 = SplitConv(w, cin, cout, stride, split), w.batch_norm(cout), pimsim_onnx.TernaryQuant(1.0)
        self.c2, self.bn2, self.act2 = SplitConv(w, cout, cout, 1, split), w.batch_norm(cout), pimsim_onnx.TernaryQuant(1.0)
        self.stride, self.extra = stride, cout - cin

    def forward(self, x):
        y = self.bn2(self.c2(self.act1(self.bn1(self.c1(x)))))
        shortcut = x
        if self.stride > 1 or self.extra > 0:  # option A: subsample, pad zero channels
            shortcut = F.pad(x[:, :, ::self.stride, ::self.stride], (0, 0, 0, 0, self.extra // 2, self.extra - self.extra // 2))
        return self.act2(y + shortcut)


class ResNet20(nn.Module):
    def __init__(self, split, seed, classes=10):
        super().__init__()
        w = Weights(seed)
        self.conv1, self.bn1, self.act1 = SplitConv(w, 3, 16, 1, split), w.batch_norm(16), pimsim_onnx.TernaryQuant(1.0)
        blocks, cin = [], 16
        for stage, cout in enumerate([16, 32, 64]):
            for b in range(3):
                blocks.append(Block(w, cin, cout, 2 if stage > 0 and b == 0 else 1, split))
                cin = cout
        self.blocks = nn.Sequential(*blocks)
        self.pool_act = pimsim_onnx.TernaryQuant(1.0)
        self.fc = pimsim_onnx.TernaryLinear(w.codes((classes, 64)), w.scales(classes), w.rng.normal(0, 0.1, classes))

    def forward(self, image):
        x = self.act1(self.bn1(self.conv1(image / 128)))  # image: the integers p - 128
        x = self.pool_act(F.adaptive_avg_pool2d(self.blocks(x), 1))
        return self.fc(torch.flatten(x, 1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("onnx", nargs="?", default=os.path.join(FIXTURES, "resnet20-split72.onnx"))
    parser.add_argument("--split", type=int, default=72)
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()
    model = ResNet20(args.split, args.seed).eval()
    pimsim_onnx.export(model, torch.zeros(1, 3, 32, 32), args.onnx)
    onnx.checker.check_model(onnx.load(args.onnx))
    print(f"wrote {args.onnx} ({os.path.getsize(args.onnx):,} bytes)")


if __name__ == "__main__":
    main()
