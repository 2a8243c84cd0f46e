"""Dynamic int8 quantization of an exported SDPM graph by ONNX graph surgery (issue 15 item 5).

onnxruntime has no Python package here, so this does by hand what its dynamic quantizer does for Conv:
every Conv with a constant weight (except those with fewer than `min_in_channels` input channels, by default
the 1-channel stem, whose input is the image itself) becomes

    x --DynamicQuantizeLinear--> (x_q uint8, x_scale, x_zp)            (shared by convs reading the same x)
    ConvInteger(x_q, W_q, x_zp, 128) -> int32 -> Cast float -> * (x_scale * w_scale[c]) -> + bias[c]

with W quantized per output channel, symmetric: w_scale[c] = max|W[c]| / 127, W_q = round(W / w_scale) + 128
(uint8 with one zero point 128: onnxruntime's ConvInteger takes uint8 weights and a scalar zero point; the
per-channel scale is applied after the integer convolution). Everything else stays fp32.

Usage: python3 -m sdpm.quantize <in.onnx> <out.onnx> [--min-in-channels N]
Whether a quantized graph is shipped is decided by measurement (scripts/bench/inference.ts section 7: speed
ratio to fp32 and mask Dice on the demo study), never by this tool.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

W_ZERO_POINT = 128


def quantize_weight(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-output-channel symmetric int8 on a uint8 grid (zero point 128): returns (W_q uint8, scale [M])."""
    m = w.shape[0]
    flat = w.reshape(m, -1).astype(np.float64)
    scale = np.abs(flat).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.round(flat / scale[:, None]), -127, 127) + W_ZERO_POINT
    return q.astype(np.uint8).reshape(w.shape), scale.astype(np.float32)


def _attr(node: onnx.NodeProto) -> Dict[str, object]:
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def quantize_model(model: onnx.ModelProto, min_in_channels: int = 2) -> tuple[onnx.ModelProto, int]:
    """Returns the rewritten model and the number of convolutions quantized."""
    g = model.graph
    inits = {i.name: i for i in g.initializer}
    new_nodes: List[onnx.NodeProto] = []
    new_inits: List[onnx.TensorProto] = [numpy_helper.from_array(np.array(W_ZERO_POINT, dtype=np.uint8), "q_w_zero_point")]
    dq: Dict[str, tuple[str, str, str]] = {}
    used_inits: set[str] = set()
    count = 0
    for node in g.node:
        w_init = inits.get(node.input[1]) if node.op_type == "Conv" and len(node.input) > 1 else None
        if w_init is None:
            new_nodes.append(node)
            continue
        w = numpy_helper.to_array(w_init)
        if w.ndim != 4 or w.shape[1] < min_in_channels:
            new_nodes.append(node)
            continue
        n = f"q{count}"
        x = node.input[0]
        if x not in dq:
            k = len(dq)
            dq[x] = (f"dq{k}_x", f"dq{k}_scale", f"dq{k}_zp")
            new_nodes.append(helper.make_node("DynamicQuantizeLinear", [x], list(dq[x]), name=f"dq{k}"))
        xq, xs, xzp = dq[x]
        wq, ws = quantize_weight(w)
        new_inits.append(numpy_helper.from_array(wq, f"{n}_w"))
        new_inits.append(numpy_helper.from_array(ws.reshape(1, -1, 1, 1), f"{n}_w_scale"))
        used_inits.add(w_init.name)
        attrs = {k: v for k, v in _attr(node).items() if k in ("dilations", "group", "kernel_shape", "pads", "strides", "auto_pad")}
        new_nodes.append(helper.make_node("ConvInteger", [xq, f"{n}_w", xzp, "q_w_zero_point"], [f"{n}_i32"], name=f"{n}_conv", **attrs))
        new_nodes.append(helper.make_node("Cast", [f"{n}_i32"], [f"{n}_f32"], name=f"{n}_cast", to=TensorProto.FLOAT))
        new_nodes.append(helper.make_node("Mul", [xs, f"{n}_w_scale"], [f"{n}_scale"], name=f"{n}_scale"))
        bias: Optional[str] = node.input[2] if len(node.input) > 2 and node.input[2] != "" else None
        out = node.output[0]
        if bias is None:
            new_nodes.append(helper.make_node("Mul", [f"{n}_f32", f"{n}_scale"], [out], name=f"{n}_mul"))
        else:
            b = inits.get(bias)
            b_name = bias
            if b is not None:
                new_inits.append(numpy_helper.from_array(numpy_helper.to_array(b).reshape(1, -1, 1, 1).astype(np.float32), f"{n}_bias"))
                b_name = f"{n}_bias"
                used_inits.add(bias)
            new_nodes.append(helper.make_node("Mul", [f"{n}_f32", f"{n}_scale"], [f"{n}_scaled"], name=f"{n}_mul"))
            new_nodes.append(helper.make_node("Add", [f"{n}_scaled", b_name], [out], name=f"{n}_bias"))
        count += 1
    still_used = {i for node in new_nodes for i in node.input}
    kept = [i for i in g.initializer if i.name not in used_inits or i.name in still_used]
    del g.node[:]
    g.node.extend(new_nodes)
    del g.initializer[:]
    g.initializer.extend(kept + new_inits)
    model.producer_name = f"{model.producer_name}+sdpm.quantize"
    onnx.checker.check_model(model)
    return model, count


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("src", type=Path)
    ap.add_argument("dst", type=Path)
    ap.add_argument("--min-in-channels", type=int, default=2)
    a = ap.parse_args(argv)
    model, n = quantize_model(onnx.load(str(a.src)), a.min_in_channels)
    onnx.save(model, str(a.dst))
    print(f"{a.dst}: {n} convolutions quantized to int8 (dynamic activations, per-channel weights)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
