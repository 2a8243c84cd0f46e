"""Trainer: optimisation works, poly LR, EMA, exact checkpoint/resume, augmentation alignment, baseline."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from sdpm.augment import AugmentConfig, augment_batch
from sdpm.ema import Ema
from sdpm.losses import LossConfig
from sdpm.toy import ToyDataset
from sdpm.train import TrainConfig, Trainer, compute_loss, get_batch, poly_lr

ROOT = Path(__file__).resolve().parents[1]


def tiny_cfg(**kw):
    base = dict(preset="tiny-test", steps=6, batch_size=2, ckpt_every=1000, log_every=2,
                augment=AugmentConfig(enabled=True))
    base.update(kw)
    return TrainConfig(**base)


def test_ten_steps_on_a_fixed_batch_lower_the_loss() -> None:
    cfg = tiny_cfg(lr=3e-3, lr_min=3e-3, augment=AugmentConfig(enabled=False))
    tr = Trainer(cfg, ToyDataset(2, 64, seed=1), Path("/nonexistent"), device="cpu")
    batch = get_batch(tr.ds, cfg, 0)
    t = torch.tensor([20, 120])
    noise = torch.randn(batch["x0n"].shape, generator=torch.Generator().manual_seed(0))
    from sdpm.losses import sdpm_loss

    def loss() -> torch.Tensor:
        return sdpm_loss(tr.unet, tr.sched, batch["x0n"], batch["y0n"], batch["m"], batch["w"], LossConfig(), t=t,
                         noise=noise)["loss"]

    first = float(loss())
    opt = torch.optim.Adam(tr.unet.parameters(), lr=3e-3)
    for _ in range(10):
        opt.zero_grad()
        loss().backward()
        torch.nn.utils.clip_grad_norm_(tr.unet.parameters(), 1.0)
        opt.step()
    assert float(loss()) < first


def test_poly_lr_endpoints() -> None:
    cfg = TrainConfig(steps=100)
    assert poly_lr(cfg, 0) == pytest.approx(1e-4)
    assert poly_lr(cfg, 100) == pytest.approx(6e-5)
    assert 6e-5 < poly_lr(cfg, 50) < 1e-4


def test_ema_follows_ema_pytorch_schedule() -> None:
    lin = torch.nn.Linear(1, 1, bias=False)
    ema = Ema(lin, beta=0.995, update_every=10, update_after_step=100)
    for i in range(111):
        with torch.no_grad():
            lin.weight.fill_(float(i))
        ema.update(lin)
    # call 100 (count 100 <= 100) copied the weight 100; call 110 lerps with decay at epoch 10
    decay = 1 - (1 + 10) ** (-2 / 3)
    assert float(ema.model.weight) == pytest.approx(100 * decay + 110 * (1 - decay), rel=1e-6)
    ema.step = 10_000
    assert ema.current_decay() == 0.995


def test_checkpoint_resume_gives_the_same_state(tmp_path: Path) -> None:
    ds = ToyDataset(8, 64, seed=2)
    a = Trainer(tiny_cfg(), ds, tmp_path / "a", device="cpu")
    a.run()
    b1 = Trainer(tiny_cfg(steps=6), ds, tmp_path / "b", device="cpu")
    for _ in range(3):
        b1.train_step()
    b1.save()
    b2 = Trainer(tiny_cfg(steps=6), ds, tmp_path / "b", device="cpu")
    b2.load(tmp_path / "b" / "checkpoints" / "latest.pt")
    assert b2.step == 3
    b2.run()
    for (k, va), vb in zip(a.unet.state_dict().items(), b2.unet.state_dict().values()):
        assert torch.equal(va, vb), k
    for va, vb in zip(a.ema.model.state_dict().values(), b2.ema.model.state_dict().values()):
        assert torch.equal(va, vb)
    log = [json.loads(x) for x in (tmp_path / "a" / "log.jsonl").read_text().splitlines()]
    assert log[-1]["step"] == 6 and len(log[-1]["loss_by_t_bucket"]) == 5


def test_warm_start_copies_weights_but_not_optimizer_or_step(tmp_path: Path) -> None:
    ds = ToyDataset(8, 64, seed=2)
    src = Trainer(tiny_cfg(steps=3), ds, tmp_path / "src", device="cpu")
    src.run()
    dst = Trainer(tiny_cfg(steps=3, lr=5e-4), ds, tmp_path / "dst", device="cpu")
    assert dst.init_from(tmp_path / "src" / "checkpoints" / "latest.pt") == 3
    assert dst.step == 0 and len(dst.opt.state) == 0
    for (k, va), vb in zip(src.unet.state_dict().items(), dst.unet.state_dict().values()):
        assert torch.equal(va, vb), k
    assert dst.cfg.init_from is not None and "step 3" in dst.cfg.init_from
    other = Trainer(tiny_cfg(preset="compact-s"), ds, tmp_path / "other", device="cpu")
    with pytest.raises(ValueError, match="preset"):
        other.init_from(tmp_path / "src" / "checkpoints" / "latest.pt")


def test_augmentation_moves_image_and_label_together() -> None:
    x = -torch.ones(1, 1, 64, 64)
    y = -torch.ones(1, 1, 64, 64)
    x[..., 20:30, 10:20] = 0.6
    y[..., 20:30, 10:20] = 1
    g = torch.Generator().manual_seed(0)
    for _ in range(5):
        xa, ya, m, w = augment_batch(x, y, torch.ones_like(x), AugmentConfig(), g)
        lesion = ya > 0
        assert lesion.sum() > 50
        assert (xa[lesion] > 0).float().mean() > 0.9  # label pixels land on the bright square
        assert torch.equal(m, (xa > -1).float())
        assert set(ya.unique().tolist()) <= {-1.0, 1.0}


def test_baseline_loss_runs_without_noise() -> None:
    cfg = tiny_cfg(baseline=True)
    tr = Trainer(cfg, ToyDataset(2, 64), Path("/nonexistent"), device="cpu")
    out = compute_loss(tr.unet, tr.sched, get_batch(tr.ds, cfg, 0), cfg, 0, tr.device)
    assert torch.isfinite(out["loss"]) and float(out["L_d2"]) == 0


@pytest.mark.slow
def test_cli_runs_and_resumes(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "sdpm.train", "--data", "toy:8", "--preset", "tiny-test", "--out", str(tmp_path),
           "--steps", "4", "--batch-size", "2", "--threads", "1"]
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    cmd[cmd.index("4")] = "6"
    r = subprocess.run(cmd + ["--resume"], cwd=ROOT, check=True, capture_output=True, text=True)
    assert "resumed" in r.stdout and "step 6" in r.stdout
