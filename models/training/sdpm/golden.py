"""Golden vectors for the TypeScript engine (BUNDLE-FORMAT.md § golden/).

One network case (torch outputs for B = 3 mixed t) and mode cases with small settings and injected noise,
expected p maps (float32) and binary masks (uint8 0/1, after despeckle) from the reference sampler
(sdpm.sampler) with the bundle's weights in PyTorch fp32. Files are flat: golden/<case>__<name>.<ext>.
Each p map output also records `nearThreshold`: the count of pixels with |p - threshold| < 1e-4, where an
ONNX-vs-PyTorch difference of ~1e-6 could flip the binary mask.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np
import torch

from .diffusion import Schedule
from .net.wrapper import SdpmNet
from .sampler import NoiseSource, TorchNet, apply_overrides, n_infer_noise_steps, sal_timesteps_weights, sample_slice
from .sampler import PAPER_PRESET, CODE_PRESET

DTYPES = {np.dtype("float32"): ("float32", "f32"), np.dtype("int64"): ("int64", "i64"), np.dtype("uint8"): ("uint8", "u8")}


class GoldenWriter:
    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.cases: List[Dict[str, Any]] = []
        self.written: Dict[bytes, str] = {}

    def arr(self, case: str, name: str, a: np.ndarray) -> Dict[str, Any]:
        """Write one array (identical contents are stored once and shared between cases)."""
        a = np.ascontiguousarray(a)
        dtype, ext = DTYPES[a.dtype]
        raw = a.astype(a.dtype.newbyteorder("<")).tobytes()
        key = hashlib.sha256(raw + dtype.encode() + str(a.shape).encode()).digest()
        if key not in self.written:
            fname = f"{case}__{name}.{ext}"
            (self.root / fname).write_bytes(raw)
            self.written[key] = fname
        return {"file": self.written[key], "shape": list(a.shape), "dtype": dtype}

    def add(self, name: str, kind: str, settings: Dict[str, Any], inputs: Dict[str, np.ndarray],
            outputs: Dict[str, np.ndarray], threshold: Optional[float] = None, note: str = "") -> None:
        case: Dict[str, Any] = {"name": name, "kind": kind, "settings": settings, "note": note,
                                "inputs": {k: self.arr(name, k, v) for k, v in inputs.items()}, "outputs": {}}
        for k, v in outputs.items():
            entry = self.arr(name, k, v)
            if threshold is not None and k.startswith("p_"):
                entry["nearThreshold"] = int((np.abs(v - threshold) < 1e-4).sum())
            case["outputs"][k] = entry
        self.cases.append(case)

    def finish(self) -> None:
        (self.root / "manifest.json").write_text(json.dumps({"formatVersion": 1, "cases": self.cases}, indent=1) + "\n")


def golden_input(size: int, seed: int = 1234) -> np.ndarray:
    from .toy import toy_slice

    return toy_slice(np.random.default_rng(seed), size)["x0n"][0]


def write_golden(root: Path, net: SdpmNet, sched: Schedule, size: int, seed: int = 2024) -> None:
    g = torch.Generator().manual_seed(seed)
    w = GoldenWriter(root)
    tn = TorchNet(net)
    # --- network case
    x0n = torch.from_numpy(golden_input(size))
    m = (x0n > -1).to(torch.float32)
    t = torch.tensor([0, 137, 499], dtype=torch.int64)
    eps = torch.randn(3, 1, size, size, generator=g)
    x_t = ((sched.sqrt_ab[t].view(-1, 1, 1, 1) * x0n + sched.sqrt_1mab[t].view(-1, 1, 1, 1) * eps) * m).contiguous()
    e, yt, y0 = tn(x_t, t)
    w.add("network", "network", {"note": "x_t = q_sample(x0n, t, eps) * m"}, {"x_t": x_t.numpy(), "t": t.numpy()},
          {"eps_hat": e.numpy(), "y_t_hat": yt.numpy(), "y0_hat": y0.numpy()})

    small_paper = apply_overrides(PAPER_PRESET, {
        "ySal": {"window": 5, "nSamples": 2}, "yInfer": {"startIndex": 4, "nSamples": 2}})
    small_code = apply_overrides(CODE_PRESET, {
        "ySal": {"window": 5, "nSamples": 3}, "yInfer": {"startIndex": 4, "nSamples": 2}})
    cases = [
        ("yAvg-single", "yAvg", small_paper),
        ("yAvg-code-mean", "yAvg", small_code),
        ("ySal-paper", "ySal", small_paper),
        ("ySal-code-cumsumBug", "ySal", small_code),
        ("ySal-paper-nu2-stride2", "ySal", apply_overrides(small_paper, {"ySal": {"window": 9, "nu": 2, "tStride": 2}})),
        ("yInfer-paper", "yInfer", small_paper),
        ("yInfer-codeCompat", "yInfer", small_code),
        ("yInfer-strided-d0.5", "yInfer", apply_overrides(small_paper, {"yInfer": {"startIndex": 5, "nSteps": 3, "d": 0.5}})),
        ("yAll-union", "yAll", small_paper),
        ("yAll-mean-code", "yAll", apply_overrides(small_code, {"yAll": "mean"})),
    ]
    noise_cache: Dict[tuple, torch.Tensor] = {}

    def draw(*shape: int) -> torch.Tensor:  # the same shape reuses the same noise (keeps the bundle small)
        if shape not in noise_cache:
            noise_cache[shape] = torch.randn(*shape, generator=g)
        return noise_cache[shape]

    for name, mode, cfg in cases:
        inputs: Dict[str, np.ndarray] = {"x0n": x0n.numpy(), "m": m.numpy()}
        noise = NoiseSource()
        uses_sal = mode in ("ySal", "yAll") or (mode == "yAvg" and cfg["yAvg"]["variant"] == "code-mean")
        if uses_sal:
            ts, _ = sal_timesteps_weights(cfg["ySal"])
            noise.sal_eps = draw(cfg["ySal"]["nSamples"], len(ts), size, size)
            inputs["sal_eps"] = noise.sal_eps.numpy()
        if mode in ("yInfer", "yAll"):
            n = cfg["yInfer"]["nSamples"]
            noise.infer_eps0 = draw(n, size, size)
            noise.infer_z = draw(n, n_infer_noise_steps(cfg["yInfer"]), size, size)
            inputs["infer_eps0"] = noise.infer_eps0.numpy()
            inputs["infer_z"] = noise.infer_z.numpy()
        res = sample_slice(tn, tn.eps, sched, x0n, m, cfg, modes=(mode,) if mode != "yAll" else ("yAvg", "ySal", "yInfer", "yAll"),
                           noise=noise)
        outs = {k: (v.numpy().astype(np.uint8) if v.dtype == torch.bool else v.numpy()) for k, v in res.items()}
        w.add(name, mode, cfg, inputs, outs, threshold=float(cfg["threshold"]))
    w.finish()
