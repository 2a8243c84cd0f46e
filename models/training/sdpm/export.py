"""ONNX export of `Unet2` (SPEC §3.3) and ONNX-vs-PyTorch parity through onnxruntime-node.

`sdpm_net.onnx`: (x_t float32 [B,1,S,S], t int64 [B]) -> eps_hat, y_t_hat, y0_hat; `sdpm_eps.onnx`: eps_hat
only (the label decoder is not in the graph). Opset 17, fp32, dynamic B, weight standardisation pre-folded
(the graph holds the standardised weights as plain conv initialisers), sqrt_ab / sqrt_1mab tables inside.
"""
from __future__ import annotations

import copy
import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np
import torch

from .diffusion import Schedule
from .net.unet2 import Unet2, fold_weight_standardization
from .net.wrapper import EpsOnly, SdpmNet

REPO_ROOT = Path(__file__).resolve().parents[3]
ORT_RUN = Path(__file__).resolve().parents[1] / "tools" / "ort_run.mjs"


def export_graphs(unet: Unet2, sched: Schedule, image_size: int, out_dir: Path) -> Tuple[Path, Path]:
    """Write sdpm_net.onnx and sdpm_eps.onnx into out_dir (fp32, opset 17)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    folded = fold_weight_standardization(copy.deepcopy(unet).float().cpu().eval())
    x = torch.randn(2, 1, image_size, image_size)
    t = torch.tensor([0, 249], dtype=torch.int64)
    net_path, eps_path = out_dir / "sdpm_net.onnx", out_dir / "sdpm_eps.onnx"
    axes = {"x_t": {0: "B"}, "t": {0: "B"}}
    with torch.no_grad():
        torch.onnx.export(SdpmNet(folded, sched).eval(), (x, t), str(net_path), opset_version=17,
                          input_names=["x_t", "t"], output_names=["eps_hat", "y_t_hat", "y0_hat"],
                          dynamic_axes={**axes, "eps_hat": {0: "B"}, "y_t_hat": {0: "B"}, "y0_hat": {0: "B"}},
                          do_constant_folding=True)
        torch.onnx.export(EpsOnly(folded).eval(), (x, t), str(eps_path), opset_version=17,
                          input_names=["x_t", "t"], output_names=["eps_hat"],
                          dynamic_axes={**axes, "eps_hat": {0: "B"}}, do_constant_folding=True)
    import onnx

    for p in (net_path, eps_path):
        onnx.checker.check_model(onnx.load(str(p)))
    return net_path, eps_path


def ort_run(model: Path, inputs: Dict[str, np.ndarray]) -> Dict[str, np.ndarray]:
    """Run `model` in onnxruntime-node (CPU) on numpy inputs; returns float32 outputs by name."""
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node not found: ONNX parity needs onnxruntime-node")
    with tempfile.TemporaryDirectory() as tmp:
        spec: Dict[str, Dict[str, object]] = {"inputs": {}}
        for name, arr in inputs.items():
            f = Path(tmp) / f"in_{name}.bin"
            arr = np.ascontiguousarray(arr)
            arr.astype("<i8" if arr.dtype == np.int64 else "<f4").tofile(f)
            spec["inputs"][name] = {"file": str(f), "shape": list(arr.shape),  # type: ignore[index]
                                    "dtype": "int64" if arr.dtype == np.int64 else "float32"}
        (Path(tmp) / "spec.json").write_text(json.dumps(spec))
        r = subprocess.run([node, str(ORT_RUN), str(Path(model).resolve()), str(Path(tmp) / "spec.json"), tmp],
                           cwd=str(REPO_ROOT), capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"onnxruntime-node failed on {model}: {r.stderr.strip()[-2000:]}")
        shapes = json.loads((Path(tmp) / "outputs.json").read_text())
        return {k: np.fromfile(Path(tmp) / f"{k}.f32", dtype="<f4").reshape(v) for k, v in shapes.items()}


def parity(unet: Unet2, sched: Schedule, net_path: Path, eps_path: Path, image_size: int,
           batches: Sequence[int] = (1, 7, 50), ts: Sequence[int] = (0, 25, 249, 499), seed: int = 0) -> List[Dict[str, object]]:
    """Max |ORT - torch| per (B, t) for eps_hat and y_t_hat (all t), y0_hat (t <= 250), eps-only graph."""
    g = torch.Generator().manual_seed(seed)
    ref = SdpmNet(copy.deepcopy(unet).float().eval(), sched).eval()
    rows: List[Dict[str, object]] = []
    for B in batches:
        x = torch.randn(B, 1, image_size, image_size, generator=g).clamp(-1, 1)
        for tv in ts:
            t = torch.full((B,), tv, dtype=torch.int64)
            with torch.no_grad():
                eps, yt, y0 = ref(x, t)
            o = ort_run(net_path, {"x_t": x.numpy(), "t": t.numpy()})
            oe = ort_run(eps_path, {"x_t": x.numpy(), "t": t.numpy()})
            row: Dict[str, object] = {
                "B": B, "t": tv,
                "eps_hat": float(np.abs(o["eps_hat"] - eps.numpy()).max()),
                "y_t_hat": float(np.abs(o["y_t_hat"] - yt.numpy()).max()),
                "eps_only": float(np.abs(oe["eps_hat"] - eps.numpy()).max()),
            }
            if tv <= 250:
                row["y0_hat"] = float(np.abs(o["y0_hat"] - y0.numpy()).max())
            rows.append(row)
    return rows


def main() -> None:
    import argparse

    from .bundle import load_checkpoint_unet
    from .diffusion import make_schedule

    ap = argparse.ArgumentParser(description="Export sdpm_net.onnx / sdpm_eps.onnx and print ORT parity")
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--parity", action="store_true")
    a = ap.parse_args()
    unet, info = load_checkpoint_unet(Path(a.checkpoint))
    sched = make_schedule(500)
    n, e = export_graphs(unet, sched, info["image_size"], Path(a.out))
    if a.parity:
        for r in parity(unet, sched, n, e, info["image_size"]):
            print(json.dumps(r))


if __name__ == "__main__":
    main()
