"""Recipe ablation at equal compute (issue 10 item 2).

    cd models/training && nice -n 15 /usr/bin/python3 -m sdpm.ablation --data work/synth-v12-small \\
        --init work/init/shipped.pt --budget-slices 240 --out work/ablation

Every candidate starts from the same weights (--init, e.g. the shipped bundle recovered by sdpm.warm_start),
trains on the `train` split of --data with the same seed until it has processed the same number of PIXELS
(--budget-slices full S x S slice equivalents; a 64 x 64 crop counts 1/4), then is scored on the cases of the
`val` + `test` splits (never trained on), full S x S slices:
- y_avg Dice (the paper's y_avg: one call at t = 0, p > 0.5, no despeckle), pooled over lesion slices;
- false-positive pixels per lesion-free slice;
- the SDPM loss per t bucket at fixed t (bucket centres) and fixed noise (learning per image, comparable
  across candidates because every candidate saw the same pixels).
Both the online and the EMA weights are scored. Prints one table (and writes <out>/ablation.json).
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse  # noqa: E402
import copy  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any, Dict, List  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

from .diffusion import make_schedule  # noqa: E402
from .losses import LossConfig, sdpm_loss  # noqa: E402
from .net.wrapper import SdpmNet  # noqa: E402
from .presets import PRESETS  # noqa: E402
from .train import N_BUCKETS, TrainConfig, Trainer, uses_crops  # noqa: E402

CANDIDATES: Dict[str, Dict[str, Any]] = {
    "shipped": {},  # the shipped phase-2 recipe: full slices, t uniform, EMA 0.995 (every 10 steps)
    "crops64": {"crop_size": 64, "crops_per_image": 4, "full_every": 4},
    "t-pow2": {"t_power": 2.0},
    "t-pow3": {"t_power": 3.0},
    "crops64+t-pow2": {"crop_size": 64, "crops_per_image": 4, "full_every": 4, "t_power": 2.0},
    "dice-only": {"loss": {"dice": "dice_only"}},
    "ema0.95": {"ema_decay": 0.95},
    # warm start from the no-noise baseline's weights (same network; --alt-init), then the shipped recipe
    "warm-baseline": {"init": "alt"},
}


def make_cfg(base: Dict[str, Any], extra: Dict[str, Any]) -> TrainConfig:
    kw = {**base, **{k: v for k, v in extra.items() if k not in ("loss", "init")}}
    loss = {"Ld1_weight": "ab_t", **extra.get("loss", {})}
    return TrainConfig(loss=LossConfig(**loss), **kw)


@torch.no_grad()
def score(unet: torch.nn.Module, val: Any, sched: Any, cfg: LossConfig, max_slices: int = 48,
          loss_buckets: bool = True) -> Dict[str, Any]:
    unet.eval()
    net = SdpmNet(unet, sched)
    les = [i for i in range(len(val)) if val.has_lesion[i]]
    neg = [i for i in range(len(val)) if not val.has_lesion[i]]
    rng = np.random.default_rng(0)
    les = sorted(rng.choice(les, min(len(les), max_slices // 2), replace=False).tolist()) if les else []
    neg = sorted(rng.choice(neg, min(len(neg), max_slices // 2), replace=False).tolist()) if neg else []
    tp = fp = fn = 0.0
    fp_neg = 0.0
    bucket = np.zeros(N_BUCKETS)
    g = torch.Generator().manual_seed(1234)
    for group, idx in (("les", les), ("neg", neg)):
        for i0 in range(0, len(idx), 16):
            items = [val[i] for i in idx[i0:i0 + 16]]
            x = torch.stack([it["x0n"] for it in items])
            y = torch.stack([it["y0n"] for it in items])
            m = torch.stack([it["m"] for it in items])
            w = torch.stack([it["w"] for it in items])
            _, _, y0 = net(x * m, torch.zeros(x.shape[0], dtype=torch.int64))
            pred = (m * (y0.clamp(-1, 1) + 1) / 2 > 0.5).float() * w
            ref = (y > 0).float() * w
            if group == "les":
                tp += float((pred * ref).sum())
                fp += float((pred * (1 - ref)).sum())
                fn += float(((1 - pred) * ref).sum())
            else:
                fp_neg += float(pred.sum())
            for b in range(N_BUCKETS if loss_buckets else 0):
                t = torch.full((x.shape[0],), int((b + 0.5) * sched.T / N_BUCKETS), dtype=torch.int64)
                noise = torch.randn(x.shape, generator=g)
                out = sdpm_loss(unet, sched, x, y, m, w, cfg, t=t, noise=noise)
                bucket[b] += float(out["per_sample"].sum()) + float(out["L_dice"]) * x.shape[0]
    n = len(les) + len(neg)
    return {"dice": 2 * tp / max(2 * tp + fp + fn, 1e-9), "fpPxPerNegSlice": fp_neg / max(len(neg), 1),
            "lossByT": (bucket / max(n, 1)).tolist(), "nLesionSlices": len(les), "nNegSlices": len(neg)}


def run_candidate(name: str, extra: Dict[str, Any], a: argparse.Namespace, train: Any, val: Any) -> Dict[str, Any]:
    S = PRESETS[a.preset]["image_size"]
    base = {"preset": a.preset, "steps": a.horizon, "batch_size": 4, "lr": a.lr, "lr_min": 0.6 * a.lr,
            "lesion_fraction": 0.3, "seed": 0}
    if extra.get("init") == "alt" and not a.alt_init:
        raise SystemExit(f"candidate {name} needs --alt-init (the no-noise baseline's checkpoint)")
    cfg = make_cfg(base, extra)
    tr = Trainer(cfg, train, Path(a.out) / name, "cpu")
    tr.init_from(Path(a.alt_init if extra.get("init") == "alt" else a.init))
    budget_px = a.budget_slices * S * S
    px = images = 0
    t0 = time.time()
    while px < budget_px:
        crops = uses_crops(cfg, tr.step)
        side = int(cfg.crop_size) if crops else S
        n = cfg.batch_size * (cfg.crops_per_image if crops else 1)
        tr.train_step()
        px += n * side * side
        images += n
    wall = time.time() - t0
    tr.save()  # the winner's run folder can be continued with sdpm.train --resume
    sched = make_schedule(cfg.T)
    res = {"name": name, "overrides": extra, "steps": tr.step, "images": images, "pixelsSliceEq": px / (S * S),
           "wallS": wall, "online": score(copy.deepcopy(tr.unet), val, sched, cfg.loss),
           "ema": score(copy.deepcopy(tr.ema.model), val, sched, cfg.loss, loss_buckets=False)}
    print(json.dumps(res), flush=True)
    return res


def print_table(rows: List[Dict[str, Any]], cmd: str) -> None:
    print(f"$ {cmd}")
    print(f"{'candidate':16s} {'steps':>5s} {'images':>6s} {'wall s':>6s} | {'Dice':>6s} {'FPpx':>6s} "
          f"{'EMA Dice':>8s} {'EMA FPpx':>8s} | online loss by t bucket (0-99 .. 400-499)")
    for r in rows:
        o, e = r["online"], r["ema"]
        lb = " ".join(f"{v:6.3f}" for v in o["lossByT"])
        print(f"{r['name']:16s} {r['steps']:5d} {r['images']:6d} {r['wallS']:6.0f} | {o['dice']:6.3f} "
              f"{o['fpPxPerNegSlice']:6.1f} {e['dice']:8.3f} {e['fpPxPerNegSlice']:8.1f} | {lb}")


def main() -> None:
    import sys

    from .data.slice_dataset import SliceDataset

    ap = argparse.ArgumentParser(description="equal-compute recipe ablation")
    ap.add_argument("--data", required=True)
    ap.add_argument("--init", required=True, help="checkpoint every candidate starts from")
    ap.add_argument("--alt-init", default="", help="checkpoint for the warm-baseline candidate (no-noise baseline)")
    ap.add_argument("--candidates", default=",".join(CANDIDATES))
    ap.add_argument("--budget-slices", type=int, default=240, help="pixels per candidate, in full-slice units")
    ap.add_argument("--horizon", type=int, default=3000, help="poly-LR horizon (steps) of the recipe")
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--preset", default="compact-s")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default="work/ablation")
    ap.add_argument("--table-only", action="store_true", help="print the table of <out>/ablation.json")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    outp = Path(a.out) / "ablation.json"
    if a.table_only:
        d = json.loads(outp.read_text())
        print_table(d["rows"], d["command"])
        return
    S = PRESETS[a.preset]["image_size"]
    train = SliceDataset(a.data, image_size=S, split="train")
    held = [c for sp in ("val", "test") for c in SliceDataset(a.data, image_size=S, split=sp).cases]
    val = SliceDataset(a.data, image_size=S, cases=held)
    rows = [run_candidate(n, CANDIDATES[n], a, train, val) for n in a.candidates.split(",")]
    cmd = "python3 -m sdpm.ablation " + " ".join(sys.argv[1:])
    Path(a.out).mkdir(parents=True, exist_ok=True)
    outp.write_text(json.dumps({"command": cmd, "trainCases": len(train.cases), "valCases": held, "rows": rows},
                               indent=1))
    print_table(rows, cmd)


if __name__ == "__main__":
    main()
