"""PyTorch building blocks whose ONNX export pimsim reads (docs/onnx.md).

Used by the export_*.py scripts in this folder; needs torch and numpy (and onnx to check the
written file). The pimsim package and its tests never import this.

- TernaryCodes: a weight held as int8 codes {-1, 0, +1} and float32 scales per output channel; the
  export keeps them apart (int8 initializer -> Cast -> Mul), which makes the file 4x smaller than
  float32 weights, and pimsim folds the product back (exactly: scale * t is exact in float32).
- MultiThreshold: QONNX/FINN's thresholding op, y = out_scale * #{i: x >= t_i} + out_bias, written
  as the custom op qonnx.custom_op.general::MultiThreshold. With two thresholds per channel and
  out_bias = -out_scale it is a ternary activation; pimsim's ternary activation is +1 for x > high,
  so high = the float below t_2 (pimsim_thresholds_to_multithreshold does the conversion).
- Quant: QONNX's Quant op (y = s * round(clamp(x / s + z)) - z)), here 2-bit signed narrow: ternary
  with thresholds +-s/2.
"""

import base64
import json

import numpy as np
import torch
import torch.nn.functional as F


class MultiThresholdFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, thresholds, out_scale, out_bias):
        shape = (1, thresholds.shape[0]) + (1,) * (x.dim() - 2) + (thresholds.shape[1],)
        count = (x.unsqueeze(-1) >= thresholds.view(shape)).sum(-1).to(x.dtype)
        return out_scale * count + out_bias

    @staticmethod
    def symbolic(g, x, thresholds, out_scale, out_bias):
        return g.op("qonnx.custom_op.general::MultiThreshold", x, thresholds,
                    out_scale_f=float(out_scale), out_bias_f=float(out_bias), out_dtype_s="FLOAT32")


class MultiThreshold(torch.nn.Module):
    """Thresholds per channel: a [C, n] (or [1, n]) float32 buffer."""

    def __init__(self, thresholds, out_scale=1.0, out_bias=-1.0):
        super().__init__()
        self.register_buffer("thresholds", torch.as_tensor(np.asarray(thresholds, dtype=np.float32)))
        self.out_scale, self.out_bias = float(out_scale), float(out_bias)

    def forward(self, x):
        return MultiThresholdFunction.apply(x, self.thresholds, self.out_scale, self.out_bias)


class QuantFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale, zero_point, bit_width):
        low, high = -(2 ** (int(bit_width) - 1)) + 1, 2 ** (int(bit_width) - 1) - 1  # signed, narrow
        return scale * (torch.round(torch.clamp(x / scale + zero_point, low, high)) - zero_point)

    @staticmethod
    def symbolic(g, x, scale, zero_point, bit_width):
        return g.op("qonnx.custom_op.general::Quant", x, scale, zero_point, bit_width,
                    signed_i=1, narrow_i=1, rounding_mode_s="ROUND")


class TernaryQuant(torch.nn.Module):
    """QONNX Quant, 2-bit signed narrow: scale * {-1, 0, +1}, thresholds +-scale/2."""

    def __init__(self, scale):
        super().__init__()
        self.register_buffer("scale", torch.tensor(float(scale)))
        self.register_buffer("zero_point", torch.tensor(0.0))
        self.register_buffer("bit_width", torch.tensor(2.0))

    def forward(self, x):
        return QuantFunction.apply(x, self.scale, self.zero_point, self.bit_width)


class TernaryCodes(torch.nn.Module):
    """A weight = codes (int8, {-1, 0, +1}) x scale (float32, one per output channel)."""

    def __init__(self, codes, scales, bias=None):
        super().__init__()
        codes = np.asarray(codes, dtype=np.int8)
        self.register_buffer("codes", torch.from_numpy(codes.copy()))
        self.register_buffer("scale", torch.from_numpy(np.asarray(scales, dtype=np.float32).copy()))
        self.register_buffer("bias", None if bias is None else torch.from_numpy(np.asarray(bias, dtype=np.float32).copy()))

    def weight(self):
        shape = (-1,) + (1,) * (self.codes.dim() - 1)
        return self.codes.to(torch.float32) * self.scale.view(shape)


class TernaryConv2d(TernaryCodes):
    def __init__(self, codes, scales, bias=None, stride=1, padding=0, groups=1):
        super().__init__(codes, scales, bias)
        self.stride, self.padding, self.groups = stride, padding, groups

    def forward(self, x):
        return F.conv2d(x, self.weight(), self.bias, self.stride, self.padding, 1, self.groups)


class TernaryLinear(TernaryCodes):
    def forward(self, x):
        return F.linear(x, self.weight(), self.bias)


def pimsim_thresholds_to_multithreshold(low, high):
    """pimsim ternary thresholds (-1 if x < low, +1 if x > high) as MultiThreshold's [C, 2]
    (count of x >= t): t_1 = low, t_2 = the float32 just above high."""
    low = np.asarray(low, dtype=np.float32)
    high = np.asarray(high, dtype=np.float32)
    return np.stack([low, np.nextafter(high, np.float32(np.inf))], axis=1)


# --- net.json (written by pimsim train) ---------------------------------------------------------

def unpack_weights(w):
    """Weights of a net.json node as (codes or floats, kind)."""
    data = np.frombuffer(base64.b64decode(w["data"]), dtype=np.uint8)
    count = w["count"]
    if w["encoding"] == "ternary2":
        fields = np.stack([(data >> (2 * k)) & 3 for k in range(4)], axis=1).reshape(-1)[:count]
        return np.select([fields == 1, fields == 3], [1, -1], 0).astype(np.int8), "ternary"
    if w["encoding"] == "binary1":
        bits = np.unpackbits(data, bitorder="little")[:count]
        return np.where(bits == 1, 1, -1).astype(np.int8), "binary"
    return np.frombuffer(base64.b64decode(w["data"]), dtype="<f4")[:count].copy(), "float32"


def channel_scales(node, out_channels):
    scale = node.get("scale")
    if scale is None:
        return np.ones(out_channels, dtype=np.float32)
    if "per_layer" in scale:
        return np.full(out_channels, scale["per_layer"], dtype=np.float32)
    if "per_channel" in scale:
        return np.asarray(scale["per_channel"], dtype=np.float32)
    raise ValueError("separate positive/negative scales have no ONNX form here")


def per_channel(values, channels):
    values = np.asarray(values, dtype=np.float32)
    return np.full(channels, values[0], dtype=np.float32) if values.size == 1 else values


class NetJSONModel(torch.nn.Module):
    """A PyTorch module computing a trained net.json graph (the ops pimsim train writes), with
    integer-valued inputs p - 128 as pimsim eval feeds them."""

    def __init__(self, path):
        super().__init__()
        with open(path) as f:
            self.net = json.load(f)
        self.order = []
        shapes = {}
        for node in self.net["nodes"]:
            name, op = node["name"], node["op"]
            module_name = name.replace(".", "_")
            inputs = node.get("inputs", [])
            if op == "input":
                shapes[name] = tuple(node["shape"])
                self.order.append((name, op, inputs, None))
                continue
            x = shapes[inputs[0]]
            module = None
            if op == "conv2d":
                k, groups, out = node["kernel"], node["groups"], node["out_channels"]
                values, kind = unpack_weights(node["weights"])
                if kind == "float32":
                    raise ValueError(f"{name}: float32 weights; this exporter writes ternary/binary codes")
                codes = values.reshape(out, x[0] // groups, k, k)
                module = TernaryConv2d(codes, channel_scales(node, out), node.get("bias_values"),
                                       node["stride"], node["padding"], groups)
                h = (x[1] + 2 * node["padding"] - k) // node["stride"] + 1
                w = (x[2] + 2 * node["padding"] - k) // node["stride"] + 1
                shapes[name] = (out, h, w)
            elif op == "linear":
                out = node["out_features"]
                values, kind = unpack_weights(node["weights"])
                codes = values.reshape(out, int(np.prod(x)))
                module = TernaryLinear(codes, channel_scales(node, out), node.get("bias_values"))
                shapes[name] = (out, 1, 1)
            elif op == "batchnorm":
                if "gamma" in node:
                    module = torch.nn.BatchNorm2d(x[0], eps=node["epsilon"])
                    for key, attr in [("gamma", "weight"), ("beta", "bias")]:
                        getattr(module, attr).data = torch.tensor(node[key], dtype=torch.float32)
                    module.running_mean.data = torch.tensor(node["mean"], dtype=torch.float32)
                    module.running_var.data = torch.tensor(node["variance"], dtype=torch.float32)
                shapes[name] = x  # without parameters: folded into the activation's thresholds
            elif op == "activation":
                f, t = node["function"], node.get("thresholds")
                if f == "ternary":
                    module = MultiThreshold(pimsim_thresholds_to_multithreshold(
                        per_channel(t["low"], x[0]), per_channel(t["high"], x[0])), 1.0, -1.0)
                elif f == "sign":
                    module = MultiThreshold(per_channel(t["threshold"], x[0]).reshape(-1, 1), 2.0, -1.0)
                elif f not in ("relu", "hardtanh", "identity"):
                    raise ValueError(f"{name}: activation {f}")
                shapes[name] = x
            elif op in ("maxpool", "avgpool"):
                k, s, p = node["kernel"], node["stride"], node["padding"]
                shapes[name] = (x[0], (x[1] + 2 * p - k) // s + 1, (x[2] + 2 * p - k) // s + 1)
            elif op in ("global_avgpool", "flatten"):
                shapes[name] = (x[0] if op == "global_avgpool" else int(np.prod(x)), 1, 1)
            elif op == "add":
                shapes[name] = x
            elif op == "shortcut":
                s = node["stride"]
                shapes[name] = (node["out_channels"], -(-x[1] // s), -(-x[2] // s))
            else:
                raise ValueError(f"{name}: op {op}")
            if module is not None:
                self.add_module(module_name, module)
            self.order.append((name, op, inputs, module_name if module is not None else None))
        self.shapes = shapes
        self.output = self.net.get("output", self.net["nodes"][-1]["name"])

    def forward(self, image):
        values = {}
        for name, op, inputs, module_name in self.order:
            if op == "input":
                values[name] = image
                continue
            x = values[inputs[0]]
            node = next(n for n in self.net["nodes"] if n["name"] == name)
            if module_name is not None:
                if op == "linear" and x.dim() == 4:
                    x = torch.flatten(x, 1)
                y = getattr(self, module_name)(x)
            elif op == "activation":
                y = {"relu": F.relu, "hardtanh": lambda v: torch.clamp(v, -1, 1), "identity": lambda v: v}[node["function"]](x)
            elif op == "maxpool":
                y = F.max_pool2d(x, node["kernel"], node["stride"], node["padding"])
            elif op == "avgpool":
                y = F.avg_pool2d(x, node["kernel"], node["stride"], node["padding"], count_include_pad=False)
            elif op == "global_avgpool":
                y = F.adaptive_avg_pool2d(x, 1)
            elif op == "flatten":
                y = torch.flatten(x, 1)
            elif op == "add":
                y = x + values[inputs[1]]
            elif op == "shortcut":
                s, extra = node["stride"], node["out_channels"] - x.shape[1]
                y = F.pad(x[:, :, ::s, ::s], (0, 0, 0, 0, extra // 2, extra - extra // 2))
            else:  # batchnorm folded into the thresholds
                y = x
            values[name] = y
        out = values[self.output]
        return torch.flatten(out, 1) if out.dim() == 4 else out


def read_idx(path):
    """An MNIST IDX file as a numpy array."""
    with open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def export(model, example, path, opset=13, **kwargs):
    """torch.onnx.export with the TorchScript exporter (it writes custom-domain ops from a
    Function's symbolic; the newer dynamo exporter needs onnxscript). Constant folding is off so
    the int8 codes stay int8 in the file and batch norm is not folded into convolutions."""
    torch.onnx.export(model, (example,), path, dynamo=False, opset_version=opset, do_constant_folding=False,
                      input_names=["image"], output_names=["logits"], dynamic_axes={"image": {0: "batch"}},
                      custom_opsets={"qonnx.custom_op.general": 1}, **kwargs)
