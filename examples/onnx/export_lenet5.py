#!/usr/bin/env python3
"""Export a LeNet-5 with TWN weights, trained by `pimsim train`, to ONNX from PyTorch.

Writes the fixture Tests/Fixtures/onnx/lenet5-twn.onnx from its net.json twin
lenet5-twn.json (the test checks that `pimsim eval` gives both the same accuracy):

    pimsim train --model lenet5 --quant twn --epochs 15 --augment crop --pad 2 -o lenet5-twn.json
    python3 examples/onnx/export_lenet5.py lenet5-twn.json lenet5-twn.onnx

The net.json's weights become a PyTorch model of the same structure (pimsim_onnx.NetJSONModel):
ternary codes as int8 buffers times float32 scales per output channel; each activation with
batch norm folded into thresholds as a QONNX MultiThreshold (thresholds [low, next float above
high], out_scale 1, out_bias -1). The model's input is what pimsim eval feeds: the integers
p - 128 of the pixel bytes; the first layer's scale already holds the 1/128 that turns them
into the training range (p - 128) / 128 (docs/onnx.md, "Inputs"). Needs torch, numpy and onnx.
"""

import argparse
import json
import os
import sys

import numpy as np
import onnx
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pimsim_onnx  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "onnx")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("net", nargs="?", default=os.path.join(FIXTURES, "lenet5-twn.json"), help="net.json written by pimsim train")
    parser.add_argument("onnx", nargs="?", default=os.path.join(FIXTURES, "lenet5-twn.onnx"), help="ONNX file to write")
    parser.add_argument("--data", default=os.path.join(ROOT, "examples", "data", "mnist5k"), help="MNIST IDX folder for the check")
    args = parser.parse_args()

    model = pimsim_onnx.NetJSONModel(args.net).eval()
    shape = model.shapes[next(n["name"] for n in model.net["nodes"] if n["op"] == "input")]
    pimsim_onnx.export(model, torch.zeros((1,) + tuple(shape)), args.onnx)
    onnx.checker.check_model(onnx.load(args.onnx))
    print(f"wrote {args.onnx} ({os.path.getsize(args.onnx):,} bytes)")

    # PyTorch's float arithmetic on the same weights: close to, not always equal to, pimsim's
    # integer evaluation (a sum of floats can land on the other side of a threshold).
    images = pimsim_onnx.read_idx(os.path.join(args.data, "t10k-images-idx3-ubyte"))
    labels = pimsim_onnx.read_idx(os.path.join(args.data, "t10k-labels-idx1-ubyte"))
    x = torch.from_numpy(images.astype(np.float32) - 128).reshape((-1,) + tuple(shape))
    with torch.no_grad():
        predicted = model(x).argmax(1).numpy()
    recorded = json.load(open(args.net)).get("metadata", {}).get("test_accuracy")
    print(f"PyTorch float accuracy on {len(labels)} test images: {np.mean(predicted == labels) * 100:.2f} %"
          + (f" (pimsim eval of the net.json: {recorded * 100:.2f} %)" if recorded is not None else ""))


if __name__ == "__main__":
    main()
