#!/usr/bin/env python3
"""Export torchvision's ResNet-18 architecture to ONNX, shapes only (export_params=False).

Writes the fixture Tests/Fixtures/onnx/resnet18-shapes.onnx (about 10 KB instead of 47 MB):

    python3 examples/onnx/export_resnet18.py [OUT.onnx]

With export_params=False, torch.onnx.export writes no initializers: every weight, bias and
batch-norm tensor becomes a graph input with its shape. pimsim reads such a file as a network
whose layers have shapes but no weight values (docs/onnx.md, "Weights as graph inputs"), which is
all that `pimsim params`, `run --precision`, `sweep` and `fpga` need; the test checks that it has
torchvision's 11,689,512 parameters. Constant folding is off so that batch norm stays a
BatchNormalization node (folded into the convolutions, its gamma and beta would become conv
biases and the count would change).

Uses torchvision.models.resnet18 when torchvision imports; otherwise the same architecture
written out below (BasicBlock, [2, 2, 2, 2], 1x1 projection shortcuts), checked against
torchvision's parameter count. Needs torch and onnx.
"""

import argparse
import os

import onnx
import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(os.path.dirname(os.path.dirname(HERE)), "Tests", "Fixtures", "onnx")
TORCHVISION_PARAMETERS = 11_689_512


class BasicBlock(nn.Module):
    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        return self.relu(self.bn2(self.conv2(out)) + identity)


class ResNet18(nn.Module):
    """torchvision.models.resnet18's modules and forward, with the same names."""

    def __init__(self, num_classes=1000):
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        self.layer1 = self._make_layer(64, 2)
        self.layer2 = self._make_layer(128, 2, 2)
        self.layer3 = self._make_layer(256, 2, 2)
        self.layer4 = self._make_layer(512, 2, 2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(512, num_classes)

    def _make_layer(self, planes, blocks, stride=1):
        downsample = None
        if stride != 1 or self.inplanes != planes:
            downsample = nn.Sequential(nn.Conv2d(self.inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))
        layers = [BasicBlock(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes
        layers += [BasicBlock(planes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


def resnet18():
    try:
        from torchvision.models import resnet18 as torchvision_resnet18
        return torchvision_resnet18(), "torchvision"
    except Exception:  # not installed, or its compiled ops do not match this torch
        return ResNet18(), "the architecture written out in this script"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("onnx", nargs="?", default=os.path.join(FIXTURES, "resnet18-shapes.onnx"))
    args = parser.parse_args()
    model, source = resnet18()
    count = sum(p.numel() for p in model.parameters())
    assert count == TORCHVISION_PARAMETERS, f"{count} parameters, torchvision has {TORCHVISION_PARAMETERS}"
    torch.onnx.export(model.eval(), (torch.zeros(1, 3, 224, 224),), args.onnx, dynamo=False, opset_version=17,
                      export_params=False, do_constant_folding=False, input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}})
    onnx.checker.check_model(onnx.load(args.onnx))
    print(f"wrote {args.onnx} ({os.path.getsize(args.onnx):,} bytes) from {source}, {count:,} parameters")


if __name__ == "__main__":
    main()
