"""sdpm.data.link_kind: the cases of one lesion kind linked into their own folder (train-mix-v8's infarct step)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from sdpm.data.link_kind import link_kind, main


def _dataset(root: Path) -> None:
    for sub in ("imagesTr", "labelsTr", "ignoreTr"):
        (root / sub).mkdir(parents=True)
    cases = {"a": [{"type": "infarct"}], "b": [{"type": "hemorrhage"}], "c": [{"type": "infarct"}, {"type": "infarct"}],
             "d": [{"type": "infarct"}, {"type": "hemorrhage"}], "e": []}
    for c in cases:
        (root / "imagesTr" / f"{c}_0000.nii.gz").write_text(f"img {c}")
        (root / "labelsTr" / f"{c}.nii.gz").write_text(f"lab {c}")
    (root / "ignoreTr" / "a.nii.gz").write_text("ign a")
    (root / "cases.json").write_text(json.dumps({"cases": [{"case": c, "lesions": v} for c, v in cases.items()]}))


def test_links_only_the_cases_whose_lesions_are_all_of_the_kind(tmp_path: Path) -> None:
    _dataset(tmp_path / "ds")
    assert link_kind(tmp_path / "ds", "infarct", tmp_path / "inf") == ["a", "c"]
    imgs = sorted(p.name for p in (tmp_path / "inf" / "imagesTr").iterdir())
    assert imgs == ["a_0000.nii.gz", "c_0000.nii.gz"]
    assert (tmp_path / "inf" / "labelsTr" / "c.nii.gz").read_text() == "lab c"
    assert (tmp_path / "inf" / "ignoreTr" / "a.nii.gz").is_symlink()
    assert not (tmp_path / "inf" / "ignoreTr" / "c.nii.gz").exists()
    assert link_kind(tmp_path / "ds", "infarct", tmp_path / "inf") == ["a", "c"]  # rerun: links replaced, no error
    assert link_kind(tmp_path / "ds", "mixed", tmp_path / "mix") == ["d"]
    assert link_kind(tmp_path / "ds", "none", tmp_path / "free") == ["e"]


def test_missing_cases_json_or_image_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _dataset(tmp_path / "ds")
    (tmp_path / "ds" / "imagesTr" / "c_0000.nii.gz").unlink()
    with pytest.raises(ValueError, match="c_0000.nii.gz: listed in cases.json but missing"):
        link_kind(tmp_path / "ds", "infarct", tmp_path / "inf")
    (tmp_path / "ds" / "cases.json").unlink()
    with pytest.raises(SystemExit):
        main(["--data", str(tmp_path / "ds"), "--kind", "infarct", "--out", str(tmp_path / "x")])
    assert "cases.json: missing" in capsys.readouterr().err
