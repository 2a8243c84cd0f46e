"""SDPM trainer (SPEC §1.5, §3.2.5).

Adam(1e-4, betas (0.9, 0.99), eps 1e-8); poly LR lr = 1e-4 (1-i/I)^0.9 + 6e-5 (i/I)^0.9; grad-norm clip 1.0;
EMA 0.995 every 10 steps (sdpm.ema); fp32. Joint augmentation (sdpm.augment). Reproducible and resumable:
the batch indices, augmentation, t and noise of step i come from generators seeded with (seed, i), so a run
resumed from a checkpoint continues exactly as an uninterrupted run would.

Checkpoints (`<out>/checkpoints/latest.pt`, atomic tmp + rename) every --ckpt-every steps, every
--ckpt-minutes, at the end, and on SIGTERM/SIGINT (after the current step). Log: `<out>/log.jsonl`, one
line per --log-every steps with every loss term and the loss per t bucket (5 buckets of T/5).

CLI: cd models/training && python3 -m sdpm.train --data DIR --preset compact-s --out work/runs/NAME --steps N [--resume]
`--data toy:N` trains on the built-in toy blobs (tests, smoke runs).
"""
from __future__ import annotations

import os

# libgomp's default spin-waiting makes 2 threads ~3x SLOWER than 1 on a shared, oversubscribed 2-core machine
# (measured: 7.6 s vs 2.6 s per compact-s step); passive waiting removes that. Must be set before torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import json
import signal
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np
import torch

from .augment import AugmentConfig, augment_batch
from .checkpoint import load_checkpoint, save_checkpoint
from .diffusion import Schedule, make_schedule
from .ema import Ema
from .losses import LossConfig, sdpm_loss
from .preprocessing import PreprocessingConfig, extension_of, parse_window_extension, window_value
from .presets import PRESETS, build_unet

N_BUCKETS = 5


@dataclass
class TrainConfig:
    preset: str = "compact-s"
    steps: int = 1000
    batch_size: int = 4
    lr: float = 1e-4
    lr_min: float = 6e-5
    lr_power: float = 0.9
    betas: tuple = (0.9, 0.99)
    adam_eps: float = 1e-8
    grad_clip: float = 1.0
    ema_decay: float = 0.995
    ema_every: int = 10
    seed: int = 0
    T: int = 500
    ckpt_every: int = 200
    ckpt_minutes: float = 5.0
    log_every: int = 10
    baseline: bool = False  # "SDPM w/o noise", see baseline.py
    init_from: Optional[str] = None  # warm-start source (checkpoint path and step), if any
    lesion_fraction: Optional[float] = None  # None = uniform over slices (code); else oversample lesion slices
    # Throughput (issue 10 item 1): train on crop_size crops (crops_per_image per drawn slice, centred on a
    # lesion pixel / a bright "hard negative" pixel / a random head pixel), every full_every-th step on full
    # slices (0 = never). None = full S x S slices (the paper).
    crop_size: Optional[int] = None
    crops_per_image: int = 4
    full_every: int = 0
    hard_negative_fraction: float = 0.5
    # on a slice WITH lesion, the fraction of crops centred on a lesion pixel (1 = all, session 5); the others are
    # drawn as on a lesion-free slice, so crops do not inflate the lesion prior (session 6: over-segmentation)
    lesion_centre_fraction: float = 1.0
    t_power: float = 1.0  # t = floor(T * u**t_power), u ~ U[0,1); 1 = uniform (paper); > 1 favours small t
    # preprocessing.json huWindow.extension [upperValue, ceilingHu(, ceilingValue = 1)] (None = the plain 0-80 HU clip); the
    # checkpoint records it and sdpm.bundle / sdpm.evaluate build the same preprocessing from it
    window_extension: Optional[List[float]] = None
    loss: LossConfig = field(default_factory=LossConfig)
    augment: AugmentConfig = field(default_factory=AugmentConfig)

    def to_json(self) -> Dict[str, Any]:
        d = asdict(self)
        d["betas"] = list(self.betas)
        d["loss"] = self.loss.describe()
        return d


def poly_lr(cfg: TrainConfig, i: int) -> float:
    f = min(i / max(cfg.steps, 1), 1.0)
    return cfg.lr * (1 - f) ** cfg.lr_power + cfg.lr_min * f ** cfg.lr_power


def step_generator(seed: int, step: int) -> torch.Generator:
    return torch.Generator().manual_seed(int(seed) * 1_000_003 + int(step))


def collate(items: List[Dict[str, Any]]) -> Dict[str, torch.Tensor]:
    return {k: torch.stack([torch.as_tensor(it[k]) for it in items]) for k in ("x0n", "y0n", "m", "w")}


def get_batch(ds: Any, cfg: TrainConfig, step: int) -> Dict[str, torch.Tensor]:
    g = step_generator(cfg.seed, step)
    if cfg.lesion_fraction is not None and hasattr(ds, "sample_weights"):
        weights = torch.as_tensor(ds.sample_weights(cfg.lesion_fraction), dtype=torch.float64)
        idx = torch.multinomial(weights, cfg.batch_size, replacement=True, generator=g).tolist()
    else:
        idx = torch.randint(0, len(ds), (cfg.batch_size,), generator=g).tolist()
    b = collate([ds[i] for i in idx])
    x0n, y0n, m, w = augment_batch(b["x0n"], b["y0n"], b["w"], cfg.augment, g)
    if uses_crops(cfg, step):
        x0n, y0n, m, w = crop_batch(x0n, y0n, m, w, cfg, g)
    return {"x0n": x0n, "y0n": y0n, "m": m, "w": w, "g_seed": torch.tensor(step)}


def uses_crops(cfg: TrainConfig, step: int) -> bool:
    return cfg.crop_size is not None and not (cfg.full_every > 0 and step % cfg.full_every == 0)


BRIGHT_HU = 76.0  # hard-negative crop centres: resized HU above this (bone edges, calcifications, hyperdense)


def preprocessing_of(cfg: TrainConfig) -> PreprocessingConfig:
    """The preprocessing this run trains with (the bundle's preprocessing.json is built from the same)."""
    return PreprocessingConfig(image_size=PRESETS[cfg.preset]["image_size"], extension=extension_of(cfg.window_extension))


def bright_x0n(pcfg: PreprocessingConfig) -> float:
    """x0n of BRIGHT_HU under this window (exactly 0.9, as before, for the plain 0-80 HU window)."""
    if pcfg.extension is None:
        return 0.9
    return float(2.0 * window_value(BRIGHT_HU, pcfg) - 1.0)


def crop_centres(y0n: torch.Tensor, x0n: torch.Tensor, m: torch.Tensor, n: int, hard_fraction: float,
                 g: torch.Generator, lesion_centre_fraction: float = 1.0, bright_above: float = 0.9) -> List[tuple]:
    """n (row, col) centres in one [1,S,S] slice: a lesion pixel if the slice has lesion; otherwise, with
    probability hard_fraction, a bright pixel (x0n > bright_above; 0.9 = above ~76 HU in the 0-80 HU window: bone
    edges, calcifications, hyperdense structures, the hard negatives), else a random pixel inside the mask. With
    lesion_centre_fraction < 1, each crop of a lesion slice is centred on lesion only with that probability, else drawn
    as for a lesion-free slice."""
    les = torch.nonzero(y0n[0] > 0)
    bright = torch.nonzero((x0n[0] > bright_above) & (m[0] > 0))
    head = torch.nonzero(m[0] > 0)
    out = []
    for _ in range(n):
        u = float(torch.rand(1, generator=g))
        on_lesion = les.shape[0] > 0 and (lesion_centre_fraction >= 1.0 or float(torch.rand(1, generator=g)) < lesion_centre_fraction)
        pool = les if on_lesion else (bright if (u < hard_fraction and bright.shape[0]) else head)
        if pool.shape[0] == 0:
            pool = torch.tensor([[y0n.shape[-2] // 2, y0n.shape[-1] // 2]])
        k = int(torch.randint(0, pool.shape[0], (1,), generator=g))
        out.append((int(pool[k, 0]), int(pool[k, 1])))
    return out


def crop_batch(x0n: torch.Tensor, y0n: torch.Tensor, m: torch.Tensor, w: torch.Tensor, cfg: TrainConfig,
               g: torch.Generator) -> tuple:
    """[B,1,S,S] -> [B*crops_per_image,1,C,C]; the centre is jittered by up to C/4 so a lesion is not always
    in the middle, and clamped so the crop stays inside the slice."""
    c = int(cfg.crop_size or x0n.shape[-1])
    S = x0n.shape[-1]
    xs, ys, ms, ws = [], [], [], []
    bright = bright_x0n(preprocessing_of(cfg))
    for b in range(x0n.shape[0]):
        for (r, col) in crop_centres(y0n[b], x0n[b], m[b], cfg.crops_per_image, cfg.hard_negative_fraction, g,
                                     cfg.lesion_centre_fraction, bright):
            j = torch.randint(-(c // 4), c // 4 + 1, (2,), generator=g)
            r0 = min(max(r + int(j[0]) - c // 2, 0), S - c)
            c0 = min(max(col + int(j[1]) - c // 2, 0), S - c)
            sl = (b, slice(None), slice(r0, r0 + c), slice(c0, c0 + c))
            xs.append(x0n[sl])
            ys.append(y0n[sl])
            ms.append(m[sl])
            ws.append(w[sl])
    return torch.stack(xs), torch.stack(ys), torch.stack(ms), torch.stack(ws)


def sample_t(cfg: TrainConfig, B: int, T: int, g: torch.Generator) -> torch.Tensor:
    if cfg.t_power == 1.0:
        return torch.randint(0, T, (B,), generator=g)
    u = torch.rand(B, generator=g, dtype=torch.float64)
    return torch.clamp((T * u ** cfg.t_power).long(), 0, T - 1)


def compute_loss(unet: torch.nn.Module, sched: Schedule, batch: Dict[str, torch.Tensor], cfg: TrainConfig,
                 step: int, device: torch.device) -> Dict[str, torch.Tensor]:
    g = step_generator(cfg.seed + 7919, step)
    x0n, y0n, m, w = (batch[k].to(device) for k in ("x0n", "y0n", "m", "w"))
    if cfg.baseline:
        from .baseline import baseline_loss

        return baseline_loss(unet, x0n, y0n, m, w, cfg.loss)
    B = x0n.shape[0]
    t = sample_t(cfg, B, sched.T, g).to(device)
    noise = torch.randn(x0n.shape, generator=g).to(device)
    return sdpm_loss(unet, sched, x0n, y0n, m, w, cfg.loss, t=t, noise=noise)


def device_description(device: torch.device) -> str:
    """What trained the weights, for the checkpoint and the model card: "cpu", or "cuda (<GPU name>)"."""
    if device.type == "cuda":
        return f"cuda ({torch.cuda.get_device_name(device)})"
    return device.type


class Trainer:
    def __init__(self, cfg: TrainConfig, ds: Any, out: Path, device: Optional[str] = None) -> None:
        self.cfg, self.ds, self.out = cfg, ds, out
        self.device = torch.device(device or ("cuda" if torch.cuda.is_available() else "cpu"))
        torch.manual_seed(cfg.seed)
        self.sched = make_schedule(cfg.T)
        self.unet = build_unet(cfg.preset).to(self.device)
        self.opt = torch.optim.Adam(self.unet.parameters(), lr=cfg.lr, betas=tuple(cfg.betas), eps=cfg.adam_eps)
        self.ema = Ema(self.unet, beta=cfg.ema_decay, update_every=cfg.ema_every)
        self.step = 0
        self.stop_requested = False
        self.ckpt_dir = out / "checkpoints"

    # ------------------------------------------------------------------ checkpoints
    def state(self) -> Dict[str, Any]:
        return {"step": self.step, "unet": self.unet.state_dict(), "ema": self.ema.state_dict(),
                "opt": self.opt.state_dict(), "config": self.cfg.to_json(), "preset": self.cfg.preset,
                "preset_config": PRESETS[self.cfg.preset], "image_size": PRESETS[self.cfg.preset]["image_size"],
                "torch": torch.__version__, "device": device_description(self.device)}

    def save(self) -> Path:
        return save_checkpoint(self.state(), self.ckpt_dir / "latest.pt")

    def init_from(self, path: Path) -> int:
        """Warm start: copy the network and EMA weights of another run's checkpoint (same preset), but keep
        this run's fresh optimizer, LR schedule and step 0. Returns the source checkpoint's step."""
        sd = load_checkpoint(path, self.device)
        if sd.get("preset") != self.cfg.preset:
            raise ValueError(f"{path}: checkpoint preset {sd.get('preset')!r} != {self.cfg.preset!r}")
        self.unet.load_state_dict(sd["unet"])
        self.ema.load_state_dict(sd["ema"])
        self.cfg.init_from = f"{path} (step {int(sd['step'])})"
        return int(sd["step"])

    def load(self, path: Path) -> None:
        sd = load_checkpoint(path, self.device)
        self.unet.load_state_dict(sd["unet"])
        self.ema.load_state_dict(sd["ema"])
        self.opt.load_state_dict(sd["opt"])
        self.step = int(sd["step"])

    # ------------------------------------------------------------------ loop
    def train_step(self) -> Dict[str, torch.Tensor]:
        self.unet.train()
        lr = poly_lr(self.cfg, self.step)
        for pg in self.opt.param_groups:
            pg["lr"] = lr
        batch = get_batch(self.ds, self.cfg, self.step)
        out = compute_loss(self.unet, self.sched, batch, self.cfg, self.step, self.device)
        self.opt.zero_grad(set_to_none=True)
        out["loss"].backward()
        out["grad_norm"] = torch.nn.utils.clip_grad_norm_(self.unet.parameters(), self.cfg.grad_clip)
        self.opt.step()
        self.ema.update(self.unet)
        self.step += 1
        out["lr"] = torch.tensor(lr)
        return out

    def run(self, log_path: Optional[Path] = None) -> None:
        cfg = self.cfg
        log_path = log_path or self.out / "log.jsonl"
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "config.json").write_text(json.dumps(cfg.to_json(), indent=2))
        acc: Dict[str, float] = {}
        buckets = np.zeros((N_BUCKETS, 2))
        t0 = last_ckpt = time.time()
        n_acc = 0
        while self.step < cfg.steps and not self.stop_requested:
            out = self.train_step()
            for k in ("loss", "L_d2", "L_p", "L_d1", "L_dice", "grad_norm"):
                if k in out:
                    acc[k] = acc.get(k, 0.0) + float(out[k])
            if "t" in out:
                for ti, li in zip(out["t"].tolist(), out["per_sample"].tolist()):
                    b = min(int(ti) * N_BUCKETS // self.sched.T, N_BUCKETS - 1)
                    buckets[b] += (li, 1)
            n_acc += 1
            if self.step % cfg.log_every == 0 or self.step == cfg.steps:
                rec: Dict[str, Any] = {"step": self.step, "lr": float(out["lr"]),
                                       "s_per_step": (time.time() - t0) / n_acc, "time": time.time()}
                rec.update({k: v / n_acc for k, v in acc.items()})
                rec["loss_by_t_bucket"] = [None if c == 0 else s / c for s, c in buckets]
                with open(log_path, "a") as f:
                    f.write(json.dumps(rec) + "\n")
                acc, buckets, n_acc, t0 = {}, np.zeros((N_BUCKETS, 2)), 0, time.time()
            if self.step % cfg.ckpt_every == 0 or time.time() - last_ckpt > cfg.ckpt_minutes * 60:
                self.save()
                last_ckpt = time.time()
        self.save()


def load_dataset(spec: str, image_size: int, split: str = "all", pcfg: Optional[PreprocessingConfig] = None) -> Any:
    """`toy:N` -> ToyDataset; `carry:FILE` -> slices packed by sdpm.carry (their window must be ``pcfg``); otherwise a
    directory written by the data engineer's generator (sdpm.data), preprocessed with ``pcfg`` (default: the plain
    window at image_size)."""
    if spec.startswith("toy:"):
        if pcfg is not None and pcfg.extension is not None:
            raise ValueError("toy data has no HU: --window-extension needs a generated dataset")
        from .toy import ToyDataset

        return ToyDataset(int(spec.split(":", 1)[1]), image_size)
    if spec.startswith("carry:"):  # slices packed by sdpm.carry (the GPU machine has no NIfTI reader)
        from .carry import CarryDataset

        ds = CarryDataset(spec.split(":", 1)[1])
        want = pcfg if pcfg is not None else PreprocessingConfig(image_size=image_size)
        if ds.cfg != want:
            raise ValueError(f"{ds.path}: packed with preprocessing {ds.cfg.to_json()['huWindow']} at S={ds.cfg.image_size}, "
                             f"this run trains with {want.to_json()['huWindow']} at S={want.image_size}")
        return ds
    from .data.slice_dataset import SliceDataset  # data engineer's API (cached, preprocessed slices)

    return SliceDataset(spec, image_size=image_size, split=split, cfg=pcfg)


def install_signal_handlers(tr: Trainer) -> None:
    def handler(signum: int, _frame: Any) -> None:
        tr.stop_requested = True

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def main(argv: Optional[List[str]] = None) -> None:
    ap = argparse.ArgumentParser(description="Train SDPM (Unet2 + synchronous image-label diffusion)")
    ap.add_argument("--data", required=True, help="dataset directory, toy:N, or carry:FILE (sdpm.carry)")
    ap.add_argument("--preset", default="compact-s", choices=sorted(PRESETS))
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, required=True, help="total iterations I (also sets the poly LR)")
    ap.add_argument("--batch-size", type=int, default=4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--lr", type=float, default=1e-4, help="initial LR (the final LR is 0.6x, as 1e-4 -> 6e-5)")
    ap.add_argument("--resume", action="store_true", help="continue from <out>/checkpoints/latest.pt")
    ap.add_argument("--init-from", default=None,
                    help="warm start from another run's checkpoint (weights and EMA; fresh optimizer and LR schedule)")
    ap.add_argument("--ckpt-every", type=int, default=200)
    ap.add_argument("--ckpt-minutes", type=float, default=5.0)
    ap.add_argument("--log-every", type=int, default=10)
    ap.add_argument("--baseline", action="store_true", help="train 'SDPM w/o noise' (see sdpm.baseline)")
    ap.add_argument("--lp-window", type=int, default=None)
    ap.add_argument("--ld1-weight", default="none", choices=["none", "paper", "ab_t"])
    ap.add_argument("--dice", default="dice_sens_prec", choices=["dice_sens_prec", "dice_only"])
    ap.add_argument("--no-augment", action="store_true")
    ap.add_argument("--lesion-fraction", type=float, default=None,
                    help="oversample slices with lesion to this fraction of draws (default: uniform, as the code)")
    ap.add_argument("--split", default="all", help="dataset split to train on (all/train/val/test)")
    ap.add_argument("--noise-std", type=float, default=0.0, help="Gaussian intensity noise (x0n units)")
    ap.add_argument("--crop-size", type=int, default=None, help="train on CxC crops (multiple of 64); default full slices")
    ap.add_argument("--crops-per-image", type=int, default=4)
    ap.add_argument("--full-every", type=int, default=0, help="with --crop-size: every k-th step uses full slices")
    ap.add_argument("--hard-negative-fraction", type=float, default=0.5)
    ap.add_argument("--lesion-centre-fraction", type=float, default=1.0,
                    help="with --crop-size: fraction of a lesion slice's crops centred on lesion (1 = all)")
    ap.add_argument("--t-power", type=float, default=1.0, help="t = floor(T u^p); 1 = uniform (paper)")
    ap.add_argument("--ema-decay", type=float, default=0.995)
    ap.add_argument("--window-extension", default=None, metavar="K,C[,V]",
                    help="input window that does not saturate at 80 HU: x = K*HU/80 up to 80 HU, then linear to V (default 1) "
                         "at C HU (preprocessing.json huWindow.extension); default the plain 0-80 HU clip")
    ap.add_argument("--threads", type=int, default=0, help="torch threads (0 = all cores)")
    ap.add_argument("--device", default=None)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads or os.cpu_count() or 1)
    cfg = TrainConfig(preset=a.preset, steps=a.steps, lr=a.lr, lr_min=0.6 * a.lr, batch_size=a.batch_size, seed=a.seed, ckpt_every=a.ckpt_every,
                      ckpt_minutes=a.ckpt_minutes, log_every=a.log_every, baseline=a.baseline,
                      lesion_fraction=a.lesion_fraction, init_from=a.init_from, crop_size=a.crop_size,
                      crops_per_image=a.crops_per_image, full_every=a.full_every,
                      hard_negative_fraction=a.hard_negative_fraction, lesion_centre_fraction=a.lesion_centre_fraction, t_power=a.t_power, ema_decay=a.ema_decay,
                      loss=LossConfig(Lp_window=a.lp_window, Ld1_weight=a.ld1_weight, dice=a.dice),
                      augment=AugmentConfig(enabled=not a.no_augment, noise_std=a.noise_std))
    out = Path(a.out)
    try:
        ext = parse_window_extension(a.window_extension)
        cfg.window_extension = None if ext is None else list(ext)
        pcfg = preprocessing_of(cfg)
    except ValueError as e:
        ap.error(f"--window-extension {a.window_extension}: {e}")
    try:
        ds = load_dataset(a.data, PRESETS[a.preset]["image_size"], a.split, pcfg)
    except ValueError as e:
        ap.error(str(e))
    tr = Trainer(cfg, ds, out, a.device)
    latest = out / "checkpoints" / "latest.pt"
    if a.resume and latest.exists():
        tr.load(latest)
        print(f"resumed from {latest} at step {tr.step}", flush=True)
    elif a.init_from:
        src_step = tr.init_from(Path(a.init_from))
        print(f"warm start from {a.init_from} (its step {src_step}); optimizer and LR schedule fresh", flush=True)
    install_signal_handlers(tr)
    print(f"training {a.preset} on {a.data} ({len(ds)} slices) for {cfg.steps} steps on {tr.device}, "
          f"{torch.get_num_threads()} threads -> {out}", flush=True)
    tr.run()
    print(f"stopped at step {tr.step}; checkpoint {latest}", flush=True)


if __name__ == "__main__":
    main()
