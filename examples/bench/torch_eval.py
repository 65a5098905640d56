#!/usr/bin/env python3
"""PyTorch float forward of a trained net.json, for comparison with `pimsim eval` (optional: needs torch).

Runs the network in the file on the test images of --data exactly as `pimsim eval` defines it
(docs/training.md, "Integer evaluation"), but in float32 PyTorch operations: image bytes p become
p - 128; convolution and linear layers use weights = scale x code (ternary2 / binary1) or the
float32 weights, y = conv(x, w) + bias; batch norms with parameters normalise, folded ones pass
through; ternary activations compare with their thresholds (+1 above high, -1 below low), sign
activations give +1 at or above the threshold; add, max/average pooling (average over the
positions inside the image), global average pooling, flatten and option-A shortcuts as in the
graph. The predicted class is the first index of the largest logit; the accuracy should equal
pimsim's (float rounding can move a value across a threshold in rare cases).

Images are processed in chunks of 100 (as pimsim eval does), after one untimed warm-up pass
(PyTorch builds its oneDNN primitives on the first call). Prints to stderr:
  evaluated N images in X ms (Y images/s), test accuracy A %
"""
import argparse
import base64
import json
import os
import sys
import time

import torch
import torch.nn.functional as F

from torch_train import read_idx  # the same IDX reader (examples/bench/torch_train.py)

CHUNK = 100  # TernaryEvaluator.chunk
PIXEL_OFFSET = 128


def decode_weights(field):
    data = base64.b64decode(field["data"])
    count, encoding = field["count"], field["encoding"]
    raw = torch.frombuffer(bytearray(data), dtype=torch.uint8)
    if encoding == "float32":
        return torch.frombuffer(bytearray(data), dtype=torch.float32)[:count].clone()
    if encoding == "ternary2":
        codes = torch.stack([(raw >> (2 * i)) & 3 for i in range(4)], 1).flatten()[:count]
        return torch.where(codes == 1, 1.0, torch.where(codes == 3, -1.0, 0.0))
    if encoding == "binary1":
        bits = torch.stack([(raw >> i) & 1 for i in range(8)], 1).flatten()[:count]
        return torch.where(bits == 1, 1.0, -1.0)
    raise SystemExit(f"weights: expected ternary2, binary1 or float32, found {encoding!r}")


def per_channel(values, channels):
    t = torch.tensor(values, dtype=torch.float32)
    return t.expand(channels).clone() if t.numel() == 1 else t


class Network:
    """The graph of a net.json, run node by node."""

    def __init__(self, document):
        self.nodes = document["nodes"]
        self.output = document["output"]
        self.shapes = {}
        self.prepared = {}
        for node in self.nodes:
            op = node["op"]
            if op in ("conv2d", "linear"):
                if "weights" not in node:
                    raise SystemExit(f"node {node['name']!r}: expected trained weights (a net.json written by pimsim train), found none")
                out = node["out_channels"] if op == "conv2d" else node["out_features"]
                weights = decode_weights(node["weights"])
                scale = node.get("scale", {"per_layer": 1.0})
                if "per_layer" in scale:
                    s = torch.full((out,), float(scale["per_layer"]))
                elif "per_channel" in scale:
                    s = per_channel(scale["per_channel"], out)
                else:
                    raise SystemExit(f"node {node['name']!r}: expected a per-layer or per-channel scale, found {list(scale)}")
                weights = weights.reshape(out, -1) * s[:, None]
                bias = torch.tensor(node["bias_values"], dtype=torch.float32) if node.get("bias_values") else None
                self.prepared[node["name"]] = (weights, bias)
            elif op == "batchnorm" and "gamma" in node:
                inv = 1 / torch.sqrt(torch.tensor(node["variance"]) + node.get("epsilon", 1e-5))
                gamma, beta, mean = torch.tensor(node["gamma"]), torch.tensor(node["beta"]), torch.tensor(node["mean"])
                self.prepared[node["name"]] = (gamma * inv, beta - gamma * inv * mean)
            elif op == "activation" and "thresholds" in node:
                t = node["thresholds"]
                low, high = (t["threshold"], t["threshold"]) if "threshold" in t else (t["low"], t["high"])
                self.prepared[node["name"]] = (torch.tensor(low, dtype=torch.float32), torch.tensor(high, dtype=torch.float32))

    def __call__(self, x):
        values = {}
        for node in self.nodes:
            name, op = node["name"], node["op"]
            inputs = [values[i] for i in node.get("inputs", [])]
            if op == "input":
                y = x
            elif op == "conv2d":
                weights, bias = self.prepared[name]
                c = inputs[0].shape[1]
                k, groups = node["kernel"], node.get("groups", 1)
                y = F.conv2d(inputs[0], weights.reshape(node["out_channels"], c // groups, k, k), bias,
                             node.get("stride", 1), node.get("padding", 0), 1, groups)
            elif op == "linear":
                weights, bias = self.prepared[name]
                y = F.linear(inputs[0].flatten(1), weights, bias)[:, :, None, None]
            elif op == "batchnorm":
                y = inputs[0]
                if name in self.prepared:
                    scale, shift = self.prepared[name]
                    y = y * scale[None, :, None, None] + shift[None, :, None, None]
            elif op == "activation":
                v, function = inputs[0], node["function"]
                if function == "relu":
                    y = F.relu(v)
                elif function == "hardtanh":
                    y = v.clamp(-1, 1)
                elif function == "identity":
                    y = v
                else:
                    low, high = self.prepared[name]
                    shape = (1, -1, 1, 1) if low.numel() > 1 else (1, 1, 1, 1)
                    low, high = low.reshape(shape), high.reshape(shape)
                    if function == "sign":
                        y = torch.where(v >= high, 1.0, -1.0)
                    else:
                        y = (v > high).to(v.dtype) - (v < low).to(v.dtype)
            elif op == "add":
                y = inputs[0] + inputs[1]
            elif op in ("maxpool", "avgpool"):
                k, s, p = node["kernel"], node.get("stride", node["kernel"]), node.get("padding", 0)
                y = (F.max_pool2d(inputs[0], k, s, p) if op == "maxpool"
                     else F.avg_pool2d(inputs[0], k, s, p, count_include_pad=False))
            elif op == "global_avgpool":
                y = inputs[0].mean((2, 3), keepdim=True)
            elif op == "flatten":
                y = inputs[0].flatten(1)[:, :, None, None]
            elif op == "shortcut":
                v, s = inputs[0], node["stride"]
                extra = node["out_channels"] - v.shape[1]
                y = F.pad(v[:, :, ::s, ::s], (0, 0, 0, 0, extra // 2, extra - extra // 2))
            else:
                raise SystemExit(f"node {name!r}: operation {op!r} is not supported here")
            values[name] = y
        return values[self.output].flatten(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("net")
    parser.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "data", "mnist5k"))
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--test-limit", type=int)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(1)
    with open(args.net) as f:
        network = Network(json.load(f))
    images = read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte"))
    labels = read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte"))
    if args.test_limit:
        images, labels = images[:args.test_limit], labels[:args.test_limit]

    def run():
        correct = 0
        for start in range(0, len(labels), CHUNK):
            x = images[start:start + CHUNK].to(torch.float32) - PIXEL_OFFSET
            correct += (network(x).argmax(1) == labels[start:start + CHUNK]).sum().item()
        return correct

    with torch.inference_mode():
        run()  # warm-up
        start = time.perf_counter()
        correct = run()
        ms = (time.perf_counter() - start) * 1000
    n = len(labels)
    print(f"evaluated {n} images in {ms:.1f} ms ({n / ms * 1000:.0f} images/s), test accuracy {100 * correct / n:.2f} %",
          file=sys.stderr)


if __name__ == "__main__":
    main()
