"""sdpm.checkpoint: the project's checkpoints load where torch.load defaults to weights_only=True (PyTorch >= 2.6)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import torch

from sdpm.checkpoint import load_checkpoint
from sdpm.toy import ToyDataset
from sdpm.train import TrainConfig, Trainer


def test_a_trainer_checkpoint_loads_under_the_pytorch_2_6_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tr = Trainer(TrainConfig(preset="tiny-test", steps=1, batch_size=2), ToyDataset(4, 64), tmp_path, "cpu")
    path = tr.save()
    orig = torch.load

    def load_as_2_6(*a: Any, weights_only: bool = True, **k: Any) -> Any:  # PyTorch 2.6's default
        return orig(*a, weights_only=weights_only, **k)

    monkeypatch.setattr(torch, "load", load_as_2_6)
    with pytest.raises(Exception, match="[Ww]eights only load failed"):
        torch.load(path, map_location="cpu")  # what sdpm.train --resume / sdpm.bundle did before
    sd = load_checkpoint(path)
    assert sd["preset"] == "tiny-test" and "opt" in sd and "config" in sd
    Trainer(TrainConfig(preset="tiny-test", steps=1, batch_size=2), ToyDataset(4, 64), tmp_path / "b", "cpu").load(path)


def test_the_checkpoint_records_its_device_and_the_bundle_states_it(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from sdpm.bundle import load_checkpoint_unet
    from sdpm.train import device_description

    tr = Trainer(TrainConfig(preset="tiny-test", steps=1, batch_size=2), ToyDataset(4, 64), tmp_path, "cpu")
    path = tr.save()
    assert load_checkpoint(path)["device"] == "cpu"
    assert load_checkpoint_unet(path)[1]["device"] == "cpu"
    sd = load_checkpoint(path)
    sd["device"] = "cuda (NVIDIA H100 80GB HBM3)"  # what a checkpoint written on the GPU machine holds
    torch.save(sd, tmp_path / "gpu.pt")
    assert load_checkpoint_unet(tmp_path / "gpu.pt")[1]["device"] == "cuda (NVIDIA H100 80GB HBM3)"
    del sd["device"]  # checkpoints from before the trainer recorded it: all trained on CPUs
    torch.save(sd, tmp_path / "old.pt")
    assert load_checkpoint_unet(tmp_path / "old.pt")[1]["device"] == "cpu"
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda d=None: "NVIDIA H100 80GB HBM3")
    assert device_description(torch.device("cuda", 0)) == "cuda (NVIDIA H100 80GB HBM3)"
