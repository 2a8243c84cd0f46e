"""Recover a training checkpoint from a bundle's `sdpm_net.onnx` (warm start when the run folder is gone).

    cd models/training && /usr/bin/python3 -m sdpm.warm_start --onnx ../bundles/sdpm-synth-compact-s/sdpm_net.onnx \\
        --preset compact-s --step 5448 --out work/init/shipped.pt

The exporter folds weight standardisation into the conv weights (`unet2.fold_weight_standardization`), so
the ONNX initializers hold standardise(W). Loaded back as raw weights, the training network standardises
them again; a standardised weight already has mean 0 and variance 1 per output channel, so the second
standardisation changes it only by the factor 1/sqrt(1 + 1e-5) (measured by `max_restandardize_change`).
The EMA weights are what the bundle exported; online and EMA weights both start from them.
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Dict

import numpy as np
import torch

from .checkpoint import folded_checkpoint, save_checkpoint
from .net.unet2 import WeightStandardizedConv2d, standardize_weight
from .presets import PRESETS, build_unet


def onnx_state_dict(path: Path, prefix: str = "unet.") -> Dict[str, torch.Tensor]:
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(path))
    arrays = {i.name: np.array(numpy_helper.to_array(i), dtype=np.float32) for i in model.graph.initializer}
    out: Dict[str, torch.Tensor] = {k[len(prefix):]: torch.from_numpy(v) for k, v in arrays.items() if k.startswith(prefix)}
    # GroupNorm is exported as InstanceNormalization + Mul(weight) + Add(bias) with anonymous constants; the
    # node's output name carries the module path: /unet/<path>/norm/Mul_output_0 -> <path>.norm.weight
    for node in model.graph.node:
        for op, suffix in (("Mul", "weight"), ("Add", "bias")):
            tail = f"/norm/{op}_output_0"
            if node.op_type == op and node.output[0].startswith("/unet/") and node.output[0].endswith(tail):
                module = node.output[0][len("/unet/"):-len(tail)].replace("/", ".")
                const = next((arrays[i] for i in node.input if i in arrays), None)
                if const is not None:
                    out[f"{module}.norm.{suffix}"] = torch.from_numpy(const.reshape(-1))
    return out


def unet_from_onnx(path: Path, preset: str) -> torch.nn.Module:
    unet = build_unet(preset)
    sd = unet.state_dict()
    src = onnx_state_dict(path)
    missing = [k for k in sd if k not in src]
    if missing:
        raise ValueError(f"{path}: {len(missing)} weights of preset {preset!r} are not in the graph, e.g. {missing[:3]}")
    for k in sd:
        if tuple(src[k].shape) != tuple(sd[k].shape):
            raise ValueError(f"{path}: {k} has shape {tuple(src[k].shape)}, preset {preset!r} needs {tuple(sd[k].shape)}")
    unet.load_state_dict({k: src[k] for k in sd})
    return unet


def max_restandardize_change(unet: torch.nn.Module) -> float:
    worst = 0.0
    with torch.no_grad():
        for mod in unet.modules():
            if isinstance(mod, WeightStandardizedConv2d):
                worst = max(worst, float((standardize_weight(mod.weight) - mod.weight).abs().max()))
    return worst


def write_checkpoint(onnx_path: Path, preset: str, step: int, out: Path) -> float:
    unet = unet_from_onnx(onnx_path, preset)
    # evaluation reproduces the graph exactly (folded); training re-standardises
    save_checkpoint(folded_checkpoint(unet.state_dict(), preset, step, source=f"recovered from {onnx_path}",
                                      config={"note": f"weights recovered from {onnx_path}; training config not "
                                                      "stored in a bundle"}), out)
    return max_restandardize_change(unet)


def main() -> None:
    ap = argparse.ArgumentParser(description="checkpoint from a bundle's sdpm_net.onnx (for --init-from)")
    ap.add_argument("--onnx", required=True)
    ap.add_argument("--preset", default="compact-s", choices=sorted(PRESETS))
    ap.add_argument("--step", type=int, default=0, help="training step of the exported weights (recorded)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    change = write_checkpoint(Path(a.onnx), a.preset, a.step, Path(a.out))
    print(f"wrote {a.out}; max |standardise(W) - W| over convs = {change:.3g}")


if __name__ == "__main__":
    main()
