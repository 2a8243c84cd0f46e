"""sdpm.widen: a compact-s network widened to compact-m computes the same function (exactly at t = 0, closely
elsewhere), in the folded form the engine evaluates and in the form the trainer re-standardises."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import pytest
import torch

from sdpm.checkpoint import load_checkpoint, save_checkpoint
from sdpm.net.unet2 import Unet2
from sdpm.presets import PRESETS, build_unet
from sdpm.widen import folded_unet, source_weights, space, widen_checkpoint, widen_state


def _trained_like(seed: int = 0) -> Unet2:
    """compact-s with every parameter moved off its initial value (GroupNorm and LayerNorm gains, biases), so that
    no mapping is exercised only on ones and zeros."""
    torch.manual_seed(seed)
    unet = build_unet("compact-s")
    with torch.no_grad():
        for p in unet.parameters():
            p.add_(0.05 * torch.randn_like(p))  # larger moves blow the outputs up to 1e6
    return unet.eval()


def _checkpoint(unet: Unet2, preset: str = "compact-s", config: Dict[str, Any] | None = None) -> Dict[str, Any]:
    sd = unet.state_dict()
    return {"step": 7, "unet": sd, "ema": {"model": sd, "step": 7}, "preset": preset, "preset_config": PRESETS[preset],
            "image_size": 128, "config": config or {}, "torch": torch.__version__}


def _inputs(seed: int = 1) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    return torch.randn(2, 1, 128, 128, generator=g).clamp(-3, 3) / 3  # 2 x 2 at the mid attention (1 x 1 hides it)


def _max_diff(a: Unet2, b: Unet2, t: int) -> float:
    x = _inputs()
    tt = torch.full((2,), t, dtype=torch.long)
    with torch.no_grad():
        (e1, y1), (e2, y2) = a(x, tt), b(x, tt)
    return max(float((e1 - e2).abs().max()), float((y1 - y2).abs().max()))


@pytest.fixture(scope="module")
def widened() -> Dict[str, Any]:
    src = _trained_like()
    src_w = source_weights(_checkpoint(src))
    return {"src": src, "src_w": src_w, "dst_w": widen_state(src_w, "compact-s", "compact-m")}


def test_widened_network_is_compact_m_with_the_same_output_at_t0(widened: Dict[str, Any]) -> None:
    a = folded_unet(widened["src_w"], "compact-s")
    b = folded_unet(widened["dst_w"], "compact-m")
    assert b.dim == 16 and b.attn_dim_head == 32
    assert sum(p.numel() for p in b.parameters()) > 1.9 * sum(p.numel() for p in a.parameters())
    assert _max_diff(a, b, 0) < 1e-4
    # the raw (trained, not folded) source computes the same function as its folded weights
    assert _max_diff(widened["src"], b, 0) < 1e-4


@pytest.mark.parametrize("t", [1, 37, 250, 499])
def test_other_timesteps_follow_closely(widened: Dict[str, Any], t: int) -> None:
    a = folded_unet(widened["src_w"], "compact-s")
    b = folded_unet(widened["dst_w"], "compact-m")
    x = _inputs()
    tt = torch.full((2,), t, dtype=torch.long)
    with torch.no_grad():
        (e1, y1), (e2, y2) = a(x, tt), b(x, tt)
    # the time embedding is fitted, not exact: within 5 % of the output's range
    assert float((e1 - e2).abs().max()) < 0.05 * float(e1.abs().max())
    assert float((y1 - y2).abs().max()) < 0.05 * float(y1.abs().max())


def test_training_form_restandardises_to_the_same_function(widened: Dict[str, Any]) -> None:
    """The trainer loads the weights into a network that standardises them again on every forward."""
    a = build_unet("compact-s")
    a.load_state_dict(widened["src_w"])
    b = build_unet("compact-m")
    b.load_state_dict(widened["dst_w"])
    assert _max_diff(a.eval(), b.eval(), 0) < 1e-3


def test_checkpoint_round_trip_and_init_from(tmp_path: Path) -> None:
    src = tmp_path / "s.pt"
    trainer = {"steps": 7, "lr": 5e-05, "window_extension": [1.0, 160.0, 1.25]}
    save_checkpoint(_checkpoint(_trained_like(seed=3), config=trainer), src)
    rows = widen_checkpoint(src, "compact-m", tmp_path / "m.pt")
    assert rows[0]["t"] == 0 and rows[0]["eps"] < 1e-4 and rows[0]["y"] < 1e-4
    sd = load_checkpoint(tmp_path / "m.pt")
    assert sd["preset"] == "compact-m" and sd["folded"] and sd["widenedFrom"]["preset"] == "compact-s"
    # the source's trainer config travels (a bundle exported from it keeps the input window it was trained with)
    assert {k: sd["config"][k] for k in trainer} == trainer and "widened to compact-m" in sd["config"]["note"]
    b = build_unet("compact-m")
    b.load_state_dict(sd["unet"])  # what sdpm.train --init-from --preset compact-m loads


def test_refuses_widths_it_cannot_keep() -> None:
    with pytest.raises(ValueError, match="only the same width or twice"):
        space(16, 8)
    with pytest.raises(ValueError, match="only the same width or twice"):
        widen_state(source_weights(_checkpoint(_trained_like())), "compact-s", "sadpm-paper")
