"""Training throughput, BEFORE vs AFTER in one run (issue 10 item 1).

    cd models/training && nice -n 15 /usr/bin/python3 -m sdpm.bench_train --data work/synth-v12-small --steps 6

BEFORE = the shipped recipe's step as it ran (compact-s, batch 4 full 128 x 128 slices, 2 threads,
LinearAttention as the authors' einsums). AFTER = the crop recipe (`--crop-size 64 --crops-per-image 4
--full-every 4`: each drawn slice gives four 64 x 64 crops centred on lesion / bright hard-negative / head
pixels, every 4th step full slices) with LinearAttention as two bmm. Both start from the same weights and
seed; their steps alternate (B, A, B, A, ...) so load from other processes hits both alike.
Prints training images (slices or crops) per second, source slices per second and pixels per second of
each, and the ratios. Also checks that the bmm attention gives the einsum's losses on identical steps.
The profile behind it: one step is >99 % network arithmetic (forward ~30 %, backward ~70 %; the batch,
augmentation and the data path take ~5 ms), so only fewer pixels per image can raise images/s; pixel
throughput stays the same. Whether a crop teaches as much per pixel is measured by `sdpm.ablation`.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Dict, List  # noqa: E402

import torch  # noqa: E402

from .net.unet2 import LinearAttention  # noqa: E402
from .presets import PRESETS  # noqa: E402
from .train import TrainConfig, Trainer, load_dataset  # noqa: E402


def timed_step(tr: Trainer, einsum_reference: bool) -> tuple[float, float]:
    LinearAttention.einsum_reference = einsum_reference
    try:
        t0 = time.perf_counter()
        out = tr.train_step()
        return time.perf_counter() - t0, float(out["loss"])
    finally:
        LinearAttention.einsum_reference = False


def main() -> None:
    ap = argparse.ArgumentParser(description="training images/s before vs after (one run, alternating steps)")
    ap.add_argument("--data", default="toy:64")
    ap.add_argument("--preset", default="compact-s", choices=sorted(PRESETS))
    ap.add_argument("--batch-size", type=int, default=4)
    ap.add_argument("--steps", type=int, default=6, help="timed steps per variant (after 1 warm-up step each)")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--lesion-fraction", type=float, default=0.3)
    ap.add_argument("--crop-size", type=int, default=64)
    ap.add_argument("--crops-per-image", type=int, default=4)
    ap.add_argument("--full-every", type=int, default=4)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    ds = load_dataset(a.data, PRESETS[a.preset]["image_size"])
    S = PRESETS[a.preset]["image_size"]
    recipes = {"before": {}, "after": {"crop_size": a.crop_size, "crops_per_image": a.crops_per_image,
                                       "full_every": a.full_every}}
    trainers: Dict[str, Trainer] = {}
    for name, extra in recipes.items():
        cfg = TrainConfig(preset=a.preset, steps=10_000, batch_size=a.batch_size, lr=5e-4, lr_min=3e-4,
                          lesion_fraction=a.lesion_fraction, **extra)  # type: ignore[arg-type]
        trainers[name] = Trainer(cfg, ds, Path("/nonexistent"), "cpu")  # same seed -> same initial weights
    twin = Trainer(trainers["before"].cfg, ds, Path("/nonexistent"), "cpu")  # before's recipe, bmm attention
    times: Dict[str, List[float]] = {"before": [], "after": []}
    images = {"before": 0, "after": 0}
    pixels = {"before": 0, "after": 0}
    slices = {"before": 0, "after": 0}
    loss_diff = 0.0
    for i in range(a.steps + 1):
        for name, ref in (("before", True), ("after", False)):
            tr = trainers[name]
            crops = tr.cfg.crop_size is not None and (tr.cfg.full_every <= 0 or tr.step % tr.cfg.full_every != 0)
            side = int(tr.cfg.crop_size) if crops else S
            n_img = a.batch_size * (tr.cfg.crops_per_image if crops else 1)
            dt, loss = timed_step(tr, ref)
            if name == "before":
                loss_diff = max(loss_diff, abs(loss - timed_step(twin, False)[1]))
            if i > 0:
                times[name].append(dt)
                images[name] += n_img
                pixels[name] += n_img * side * side
                slices[name] += a.batch_size
    print(f"data {a.data}, preset {a.preset}, batch {a.batch_size} slices, {a.threads} threads, "
          f"{a.steps} timed steps each (alternating)")
    rate = {k: {"img": images[k] / sum(times[k]), "sl": slices[k] / sum(times[k]), "px": pixels[k] / sum(times[k])}
            for k in times}
    for k in ("before", "after"):
        print(f"{k:7s} {rate[k]['img']:7.2f} training images/s  {rate[k]['sl']:6.2f} source slices/s  "
              f"{rate[k]['px'] / 1e3:7.1f} kpixel/s  ({sum(times[k]) / len(times[k]):.2f} s/step)")
    for unit, key in (("training images/s", "img"), ("source slices/s", "sl"), ("pixels/s", "px")):
        print(f"ratio after/before, {unit}: {rate['after'][key] / rate['before'][key]:.2f}x")
    print(f"bmm vs einsum LinearAttention, max |loss difference| over {a.steps + 1} identical steps: {loss_diff:.2e}")


if __name__ == "__main__":
    main()
