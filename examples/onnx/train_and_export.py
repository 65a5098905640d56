#!/usr/bin/env python3
"""The end-to-end recipe of docs/onnx.md: train a ternary CNN in PyTorch, export ONNX, cost it.

    python3 examples/onnx/train_and_export.py tnn.onnx      # trains on examples/data/mnist5k
    pimsim convert tnn.onnx -o tnn.json                     # what pimsim detected, per layer
    pimsim run tnn.onnx --split none                         # energy, area, latency on crossbars
    pimsim eval tnn.onnx                                     # integer re-run: accuracy

A small network (16-C3 MP2 32-C3 MP2 64-FC 10) with TWN-style ternary weights (per output channel:
Delta = 0.7 mean|w|, a = mean of the |w| above Delta, straight-through gradients), batch norm
and ternary activations round(clamp(x, -1, 1)) (straight-through). For export, each weight is
written as int8 codes times a float32 scale per output channel, each activation as a QONNX Quant
(2 bits, signed, narrow, scale 1: thresholds +-0.5 on the batch norm's output). The network
takes the integers p - 128 of the pixel bytes (what pimsim eval feeds) and divides them by 128
itself. Needs torch and numpy.
"""

import argparse
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pimsim_onnx  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def ternarize(w):
    """TWN per output channel: codes in {-1, 0, +1} and scales a (w ~ a * codes)."""
    flat = w.flatten(1)
    delta = 0.7 * flat.abs().mean(1, keepdim=True)
    codes = (flat > delta).float() - (flat < -delta).float()
    scale = (flat.abs() * codes.abs()).sum(1) / codes.abs().sum(1).clamp(min=1)
    return codes.view_as(w), scale


class TernaryWeight(torch.autograd.Function):
    @staticmethod
    def forward(ctx, w):
        codes, scale = ternarize(w)
        return codes * scale.view((-1,) + (1,) * (w.dim() - 1))

    @staticmethod
    def backward(ctx, grad):
        return grad  # straight through


class TernaryActivation(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.round(torch.clamp(x, -1, 1))

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (x.abs() <= 1).float()  # hardtanh's derivative


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.bn1 = nn.Conv2d(1, 16, 3, padding=1, bias=False), nn.BatchNorm2d(16)
        self.conv2, self.bn2 = nn.Conv2d(16, 32, 3, padding=1, bias=False), nn.BatchNorm2d(32)
        self.fc1, self.bn3 = nn.Linear(32 * 7 * 7, 64, bias=False), nn.BatchNorm1d(64)
        self.fc2 = nn.Linear(64, 10)

    def forward(self, x):
        x = x / 128
        x = F.max_pool2d(TernaryActivation.apply(self.bn1(F.conv2d(x, TernaryWeight.apply(self.conv1.weight), padding=1))), 2)
        x = F.max_pool2d(TernaryActivation.apply(self.bn2(F.conv2d(x, TernaryWeight.apply(self.conv2.weight), padding=1))), 2)
        x = TernaryActivation.apply(self.bn3(F.linear(torch.flatten(x, 1), TernaryWeight.apply(self.fc1.weight))))
        return F.linear(x, TernaryWeight.apply(self.fc2.weight), self.fc2.bias)


class ExportNet(nn.Module):
    """The trained network as pimsim reads it: int8 codes x scales, QONNX Quant activations."""

    def __init__(self, net):
        super().__init__()

        def codes(layer):
            c, s = ternarize(layer.weight.detach())
            return c.numpy().astype(np.int8), s.numpy()

        self.conv1 = pimsim_onnx.TernaryConv2d(*codes(net.conv1), padding=1)
        self.conv2 = pimsim_onnx.TernaryConv2d(*codes(net.conv2), padding=1)
        self.fc1 = pimsim_onnx.TernaryLinear(*codes(net.fc1))
        self.fc2 = pimsim_onnx.TernaryLinear(*codes(net.fc2), bias=net.fc2.bias.detach().numpy())
        self.bn1, self.bn2, self.bn3 = net.bn1, net.bn2, net.bn3
        self.act1, self.act2, self.act3 = (pimsim_onnx.TernaryQuant(1.0) for _ in range(3))

    def forward(self, x):
        x = x / 128
        x = F.max_pool2d(self.act1(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(self.act2(self.bn2(self.conv2(x))), 2)
        x = self.act3(self.bn3(self.fc1(torch.flatten(x, 1))))
        return self.fc2(x)


def load(folder, split):
    prefix = "train" if split == "train" else "t10k"
    images = pimsim_onnx.read_idx(os.path.join(folder, f"{prefix}-images-idx3-ubyte")).astype(np.float32) - 128
    labels = pimsim_onnx.read_idx(os.path.join(folder, f"{prefix}-labels-idx1-ubyte")).astype(np.int64)
    return torch.from_numpy(images).unsqueeze(1), torch.from_numpy(labels)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("onnx", help="ONNX file to write")
    parser.add_argument("--data", default=os.path.join(ROOT, "examples", "data", "mnist5k"))
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    torch.manual_seed(1)
    torch.set_num_threads(2)
    train_x, train_y = load(args.data, "train")
    test_x, test_y = load(args.data, "test")
    net = Net()
    optimizer = torch.optim.Adam(net.parameters(), lr=0.002)
    steps = args.epochs * -(-len(train_y) // 64)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.002, total_steps=steps)
    for epoch in range(args.epochs):
        net.train()
        order = torch.randperm(len(train_y))
        for i in range(0, len(order), 64):
            batch = order[i:i + 64]
            optimizer.zero_grad()
            F.cross_entropy(net(train_x[batch]), train_y[batch]).backward()
            optimizer.step()
            schedule.step()
        net.eval()
        with torch.no_grad():
            accuracy = (net(test_x).argmax(1) == test_y).float().mean().item()
        print(f"epoch {epoch + 1}/{args.epochs}: test accuracy {accuracy * 100:.2f} %")
    model = ExportNet(net).eval()
    with torch.no_grad():
        exported = (model(test_x).argmax(1) == test_y).float().mean().item()
    pimsim_onnx.export(model, torch.zeros(1, 1, 28, 28), args.onnx)
    print(f"wrote {args.onnx}: PyTorch accuracy of the exported form {exported * 100:.2f} % on {len(test_y)} test images")


if __name__ == "__main__":
    main()
