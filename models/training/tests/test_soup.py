"""sdpm.soup: the weight average of two checkpoints of one network, in effective (folded) weights."""
from __future__ import annotations

from pathlib import Path

import pytest
import torch

from sdpm.bundle import load_checkpoint_unet
from sdpm.checkpoint import folded_checkpoint, load_checkpoint, save_checkpoint
from sdpm.net.unet2 import fold_weight_standardization
from sdpm.soup import SoupError, write_soup
from sdpm.toy import ToyDataset
from sdpm.train import TrainConfig, Trainer


def _trained(tmp: Path, steps: int, seed: int, preset: str = "tiny-test") -> Path:
    tr = Trainer(TrainConfig(preset=preset, steps=steps, batch_size=2, seed=seed, ema_decay=0.5), ToyDataset(4, 64),
                 tmp, "cpu")
    tr.run()
    return tr.save()


def _outputs(path: Path) -> torch.Tensor:
    unet, _ = load_checkpoint_unet(path)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(2, 1, 64, 64, generator=g)
    with torch.no_grad():
        eps, y_t = unet(x, torch.tensor([0, 250]))
    return torch.cat([eps, y_t], 1)


def _recovered(path: Path, out: Path) -> Path:
    """What sdpm.warm_start writes: the EMA weights folded, marked folded, with no training config."""
    unet, _ = load_checkpoint_unet(path)
    fold_weight_standardization(unet)
    sd = load_checkpoint(path)
    save_checkpoint(folded_checkpoint(unet.state_dict(), sd["preset"], sd["step"], {"note": "recovered"}, "test"), out)
    return out


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    d = tmp_path_factory.mktemp("soup")
    return _trained(d / "a", 3, 1), _trained(d / "b", 5, 2)


def test_the_ends_of_the_mix_are_the_inputs_and_the_middle_is_neither(pair: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = pair
    ya, yb = _outputs(a), _outputs(b)
    assert not torch.allclose(ya, yb, atol=1e-4)
    write_soup(a, b, 0.0, tmp_path / "w0.pt")
    write_soup(a, b, 1.0, tmp_path / "w1.pt")
    write_soup(a, b, 0.5, tmp_path / "w5.pt")
    assert torch.allclose(_outputs(tmp_path / "w0.pt"), ya, atol=1e-5)
    assert torch.allclose(_outputs(tmp_path / "w1.pt"), yb, atol=1e-5)
    y5 = _outputs(tmp_path / "w5.pt")
    assert not torch.allclose(y5, ya, atol=1e-4) and not torch.allclose(y5, yb, atol=1e-4)
    ck = load_checkpoint(tmp_path / "w5.pt")
    assert ck["folded"] and ck["soup"]["weightB"] == 0.5 and ck["config"]["steps"] == 3
    assert "weight average" in ck["config"]["note"]


def test_a_recovered_checkpoint_is_averaged_in_the_same_parametrisation(pair: tuple[Path, Path],
                                                                           tmp_path: Path) -> None:
    a, b = pair
    rb = _recovered(b, tmp_path / "rb.pt")
    assert torch.allclose(_outputs(rb), _outputs(b), atol=1e-5)
    write_soup(a, b, 0.5, tmp_path / "trained.pt")
    write_soup(a, rb, 0.5, tmp_path / "recovered.pt")
    # averaging raw weights with folded ones would give another network; in effective weights they are the same
    assert torch.allclose(_outputs(tmp_path / "recovered.pt"), _outputs(tmp_path / "trained.pt"), atol=1e-5)
    mean = {k: 0.5 * v for k, v in load_checkpoint(rb)["ema"]["model"].items()}
    ua, _ = load_checkpoint_unet(a)
    fold_weight_standardization(ua)
    got = load_checkpoint(tmp_path / "recovered.pt")["ema"]["model"]
    for k, v in ua.state_dict().items():
        if v.is_floating_point():
            assert torch.allclose(got[k], mean[k] + 0.5 * v, atol=1e-6), k


def test_refusals_name_the_problem(pair: tuple[Path, Path], tmp_path: Path) -> None:
    a, b = pair
    with pytest.raises(SoupError, match="between 0 and 1"):
        write_soup(a, b, 1.5, tmp_path / "x.pt")
    rb = _recovered(b, tmp_path / "rb.pt")
    with pytest.raises(SoupError, match="no training config"):
        write_soup(rb, a, 0.5, tmp_path / "x.pt")
    other = load_checkpoint(b)
    other["preset"] = "compact-s"
    torch.save(other, tmp_path / "other.pt")
    with pytest.raises(SoupError, match="preset"):
        write_soup(a, tmp_path / "other.pt", 0.5, tmp_path / "x.pt")
    other = load_checkpoint(b)
    other["config"] = dict(other["config"], window_extension=[1.0, 160.0, 1.25])
    torch.save(other, tmp_path / "win.pt")
    with pytest.raises(SoupError, match="input windows"):
        write_soup(a, tmp_path / "win.pt", 0.5, tmp_path / "x.pt")
    assert not (tmp_path / "x.pt").exists()
