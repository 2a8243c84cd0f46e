"""Speed table for the network presets at S = 128 on this machine (torch eager CPU, and onnxruntime-node for
the exported graphs). Prints JSON lines; compare ratios within one run (shared, noisy machines).

python3 -m sdpm.bench [--presets compact-s,compact-m,sadpm-paper] [--ort] [--train]
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # see sdpm/train.py

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from .diffusion import make_schedule
from .losses import LossConfig, sdpm_loss
from .net.unet2 import count_parameters
from .presets import PRESETS, build_unet


def timeit(fn, reps: int) -> float:
    fn()
    t0 = time.perf_counter()
    for _ in range(reps):
        fn()
    return (time.perf_counter() - t0) / reps


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--presets", default="compact-s,compact-m,sadpm-paper")
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--ort", action="store_true")
    ap.add_argument("--train", action="store_true")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    sched = make_schedule(500)
    for name in a.presets.split(","):
        torch.manual_seed(0)
        u = build_unet(name).eval()
        S = a.size
        x, t = torch.randn(1, 1, S, S), torch.tensor([100])
        row = {"preset": name, "params": count_parameters(u), "S": S}
        with torch.no_grad():
            row["torch_full_ms"] = 1000 * timeit(lambda: u(x, t), a.reps)
            row["torch_eps_ms"] = 1000 * timeit(lambda: u.forward_eps(x, t), a.reps)
        if a.train:
            u.train()
            opt = torch.optim.Adam(u.parameters(), 1e-4)
            xb = torch.rand(4, 1, S, S) * 2 - 1
            yb = (torch.rand(4, 1, S, S) > 0.9).float() * 2 - 1
            m, w = (xb > -1).float(), torch.ones_like(xb)

            def step() -> None:
                out = sdpm_loss(u, sched, xb, yb, m, w, LossConfig())
                opt.zero_grad()
                out["loss"].backward()
                opt.step()

            row["train_step_b4_s"] = timeit(step, max(1, a.reps - 1))
        if a.ort and name != "sadpm-paper":
            from .export import export_graphs, ort_run

            with tempfile.TemporaryDirectory() as tmp:
                n, e = export_graphs(u.eval(), sched, S, Path(tmp))
                feeds = {"x_t": x.numpy(), "t": t.numpy()}
                # ort_run pays process start + session creation; time it at 1 and 11 runs to isolate per-call cost
                row["ort_note"] = "per-call ms from node session (see ort_bench)"
                row["ort_full_ms"] = ort_ms(n, S)
                row["ort_eps_ms"] = ort_ms(e, S)
        print(json.dumps(row), flush=True)


def ort_ms(model: Path, S: int, runs: int = 10) -> float:
    import subprocess

    from .export import REPO_ROOT

    js = f"""
const ort = require('onnxruntime-node');
(async () => {{
  const s = await ort.InferenceSession.create({json.dumps(str(model))}, {{ intraOpNumThreads: 2, graphOptimizationLevel: 'all' }});
  const x = new ort.Tensor('float32', new Float32Array({S * S}).fill(0.1), [1, 1, {S}, {S}]);
  const t = new ort.Tensor('int64', BigInt64Array.from([100n]), [1]);
  await s.run({{ x_t: x, t }});
  const t0 = performance.now();
  for (let i = 0; i < {runs}; i++) await s.run({{ x_t: x, t }});
  console.log((performance.now() - t0) / {runs});
}})();
"""
    r = subprocess.run(["node", "-e", js], cwd=str(REPO_ROOT), capture_output=True, text=True, check=True)
    return float(r.stdout.strip())


if __name__ == "__main__":
    main()
