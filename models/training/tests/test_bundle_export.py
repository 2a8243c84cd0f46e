"""sdpm.bundle.write_bundle without the ONNX export: detection.json is copied in and stated on the card; a
postprocessing.json given as a file is copied byte for byte (a candidate bundle exported with the shipped rules then
diffs clean against the shipped bundle), one that is not JSON is refused."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, Tuple

import pytest


def export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> Dict[str, Any]:
    """write_bundle into tmp_path/b with empty graphs (the graphs are not under test here); returns its metadata."""
    import sdpm.bundle
    from sdpm.bundle import write_bundle
    from sdpm.presets import build_unet

    def no_onnx(unet: Any, sched: Any, size: int, out: Path) -> Tuple[Path, Path]:
        for f in ("sdpm_net.onnx", "sdpm_eps.onnx"):
            (out / f).write_bytes(b"")
        return out / "sdpm_net.onnx", out / "sdpm_eps.onnx"

    monkeypatch.setattr(sdpm.bundle, "export_graphs", no_onnx)
    return write_bundle(tmp_path / "b", build_unet("tiny-test").eval(), "tiny-test", 64, name="n", summary="s",
                        training={"data": "d", "steps": 1, "device": "cpu", "loss": {}}, intended_use="u",
                        limitations=["l"], run_parity=False, golden=False, **kw)


def test_bundle_export_copies_detection_and_states_it_on_the_card(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    det = {"schema": 1, "method": "largest-true-lesion-overlap", "mode": "avg", "profile": "cpu-fast", "minTrueMl": 2.0,
           "testSet": "T", "kinds": [{"kind": "hemorrhage", "nCases": 4, "nFound": 3, "foundRate": 0.75, "ci95": [0.2, 0.99],
                                      "nCasesAll": 9, "nFoundAll": 4, "dice": 0.4, "volumeRatioMedian": 0.8}],
           "lesionFree": {"nCases": 2, "nWithFinding": 0, "rate": 0.0, "ci95": [0.0, 0.84]}}
    meta = export(tmp_path, monkeypatch, detection=det)
    assert json.loads((tmp_path / "b" / "detection.json").read_text()) == det and meta["metrics"]["detection"] == det
    assert "Hemorrhage of 2 mL or more: found in 75% of 4" in (tmp_path / "b" / "MODEL_CARD.md").read_text()
    assert "detection.json" in (tmp_path / "b" / "SHA256SUMS").read_text()


def test_a_postprocessing_file_is_copied_byte_for_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "rules.json"
    text = '{\n "formatVersion": 1,\n "plausibility": { "minVolumeMl": 0.2, "meanHu": { "min": 15, "max": 100 } }\n}\n'
    src.write_text(text)
    export(tmp_path, monkeypatch, postprocessing=src)
    assert (tmp_path / "b" / "postprocessing.json").read_bytes() == text.encode()
    assert "postprocessing.json" in (tmp_path / "b" / "SHA256SUMS").read_text()


def test_a_postprocessing_dict_is_written_as_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = {"formatVersion": 1, "plausibility": {"minVolumeMl": 0.3}}
    export(tmp_path, monkeypatch, postprocessing=rules)
    assert json.loads((tmp_path / "b" / "postprocessing.json").read_text()) == rules


def test_a_postprocessing_file_that_is_not_json_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "rules.json"
    src.write_text("minVolumeMl: 0.2\n")
    with pytest.raises(ValueError, match=r"rules\.json: not a JSON postprocessing file") as err:
        export(tmp_path, monkeypatch, postprocessing=src)
    assert isinstance(err.value.__cause__, json.JSONDecodeError)
    assert not (tmp_path / "b").exists(), "checked before anything is written"


def test_bundle_export_writes_the_trained_window(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A checkpoint trained with --window-extension exports it in preprocessing.json (the engine windows as trained)
    and states it among the deviations; without one the window block is the plain 0-80 HU one."""
    meta = export(tmp_path, monkeypatch, window_extension=[1.0, 160.0, 1.25])
    prep = json.loads((tmp_path / "b" / "preprocessing.json").read_text())
    assert prep["huWindow"] == {"lowerHu": 0.0, "upperHu": 80.0,
                                "extension": {"upperValue": 1.0, "ceilingHu": 160.0, "ceilingValue": 1.25}}
    assert any("Input window extended above 80 HU (to 1.25 at 160 HU)" in d for d in meta["deviations"])
    assert meta["assumptions"][0].startswith("HU window 0-80 HU mapped to [0, 1], then linear to 1.25 at 160 HU")
    meta = export(tmp_path / "plain", monkeypatch)
    prep = json.loads((tmp_path / "plain" / "b" / "preprocessing.json").read_text())
    assert prep["huWindow"] == {"lowerHu": 0.0, "upperHu": 80.0}
    assert not any("Input window" in d for d in meta["deviations"])


def test_every_committed_bundle_file_is_under_16_mib() -> None:
    from sdpm.bundle import oversized_files

    bundles = [p for p in (Path(__file__).resolve().parents[2] / "bundles").iterdir() if p.is_dir()]
    assert {p.name for p in bundles} >= {"sdpm-synth-compact-s", "sdpm-tiny-test"}
    assert {p.name: oversized_files(p) for p in bundles} == {p.name: [] for p in bundles}


def test_oversized_files_names_each_file_at_or_above_the_limit(tmp_path: Path) -> None:
    from sdpm.bundle import oversized_files

    (tmp_path / "golden").mkdir()
    (tmp_path / "a.onnx").write_bytes(b"x" * 1000)
    (tmp_path / "golden" / "b.bin").write_bytes(b"x" * 999)
    assert oversized_files(tmp_path, limit=1000) == ["a.onnx (0.00 MiB)"]
    assert oversized_files(tmp_path, limit=999) == ["a.onnx (0.00 MiB)", "golden/b.bin (0.00 MiB)"]


def test_training_metadata_of_a_trained_checkpoint_restates_its_trainer_config() -> None:
    from sdpm.bundle import training_metadata
    cfg = {"steps": 1000, "batch_size": 4, "lr": 5e-05, "lr_min": 3e-05, "lesion_fraction": 0.3, "loss": {"dice": "d"},
           "augment": {"enabled": True}, "seed": 81, "baseline": False, "ema_decay": 0.99, "init_from": "x.pt (step 3)"}
    info = {"config": cfg, "step": 1000, "ema_step": 9448, "device": "cpu", "torch": "2.1"}
    tr = training_metadata(info, "d", ["phase a"])
    assert tr == {"data": "d", "steps": 1000, "plannedSteps": 1000, "emaStep": 9448, "batchSize": 4, "lr": 5e-05,
                  "lrMin": 3e-05, "lesionFraction": 0.3, "device": "cpu (torch 2.1)", "loss": {"dice": "d"},
                  "augment": {"enabled": True}, "seed": 81, "baseline": False, "emaDecay": 0.99,
                  "initFrom": "x.pt (step 3)", "history": ["phase a"]}
    del cfg["ema_decay"]  # runs from before the trainer recorded it
    assert training_metadata(info, "d", [])["emaDecay"] == 0.995


def test_a_weights_only_checkpoint_exports_with_null_trainer_fields_and_its_note(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """sdpm.warm_start's checkpoint holds weights and a note, no trainer config: `python -m sdpm.bundle` used to stop
    on KeyError 'steps'. Now the trainer fields are null (not invented) and the note is the card's first phase."""
    import sys

    import sdpm.bundle
    from sdpm.checkpoint import folded_checkpoint, save_checkpoint
    from sdpm.presets import build_unet

    def no_onnx(unet: Any, sched: Any, size: int, out: Path) -> Tuple[Path, Path]:
        for f in ("sdpm_net.onnx", "sdpm_eps.onnx"):
            (out / f).write_bytes(b"")
        return out / "sdpm_net.onnx", out / "sdpm_eps.onnx"

    monkeypatch.setattr(sdpm.bundle, "export_graphs", no_onnx)
    monkeypatch.setattr(sdpm.bundle, "parity", lambda *a, **k: [])  # the graphs are not under test here
    ck = tmp_path / "w.pt"
    save_checkpoint(folded_checkpoint(build_unet("tiny-test").state_dict(), "tiny-test", 5448, source="recovered",
                                      config={"note": "weights recovered from a.onnx"}), ck)
    monkeypatch.setattr(sys, "argv", ["sdpm.bundle", "--checkpoint", str(ck), "--out", str(tmp_path / "b"),
                                      "--name", "n", "--no-golden"])
    sdpm.bundle.main()
    tr = json.loads((tmp_path / "b" / "metadata.json").read_text())["training"]
    assert tr["steps"] == 5448 and tr["plannedSteps"] is None and tr["lr"] is None and tr["emaDecay"] is None
    assert tr["history"] == ["weights only, not trained by sdpm.train: weights recovered from a.onnx"]
    card = (tmp_path / "b" / "MODEL_CARD.md").read_text()
    assert "no trainer settings recorded" in card and "Adam lr None" not in card
    assert "- phase 1: weights only, not trained by sdpm.train: weights recovered from a.onnx" in card
