"""sdpm.bundle.write_bundle: a postprocessing.json given as a file is copied byte for byte (a candidate bundle exported
with the shipped rules then diffs clean against the shipped bundle); one that is not JSON is refused."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Tuple

import pytest


def export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, postprocessing: Any) -> Path:
    import sdpm.bundle
    from sdpm.bundle import write_bundle
    from sdpm.presets import build_unet

    def no_onnx(unet: Any, sched: Any, size: int, out: Path) -> Tuple[Path, Path]:  # the graphs are not under test here
        for f in ("sdpm_net.onnx", "sdpm_eps.onnx"):
            (out / f).write_bytes(b"")
        return out / "sdpm_net.onnx", out / "sdpm_eps.onnx"

    monkeypatch.setattr(sdpm.bundle, "export_graphs", no_onnx)
    write_bundle(tmp_path / "b", build_unet("tiny-test").eval(), "tiny-test", 64, name="n", summary="s",
                 training={"data": "d", "steps": 1, "device": "cpu", "loss": {}}, intended_use="u",
                 limitations=["l"], run_parity=False, golden=False, postprocessing=postprocessing)
    return tmp_path / "b" / "postprocessing.json"


def test_a_postprocessing_file_is_copied_byte_for_byte(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "rules.json"
    text = '{\n "formatVersion": 1,\n "plausibility": { "minVolumeMl": 0.2, "meanHu": { "min": 15, "max": 100 } }\n}\n'
    src.write_text(text)
    out = export(tmp_path, monkeypatch, src)
    assert out.read_bytes() == text.encode()
    assert "postprocessing.json" in (out.parent / "SHA256SUMS").read_text()


def test_a_postprocessing_dict_is_written_as_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = {"formatVersion": 1, "plausibility": {"minVolumeMl": 0.3}}
    assert json.loads(export(tmp_path, monkeypatch, rules).read_text()) == rules


def test_a_postprocessing_file_that_is_not_json_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "rules.json"
    src.write_text("minVolumeMl: 0.2\n")
    with pytest.raises(json.JSONDecodeError):
        export(tmp_path, monkeypatch, src)
