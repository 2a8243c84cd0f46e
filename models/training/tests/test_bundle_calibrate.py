"""sdpm.bundle_calibrate: adds calibration.json and a held-out table to a copy of a bundle, graphs untouched."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from sdpm.bundle_calibrate import update

TINY = Path(__file__).resolve().parents[2] / "bundles" / "sdpm-tiny-test"


def test_update_writes_calibration_metrics_and_checksums(tmp_path: Path) -> None:
    b = tmp_path / "b"
    shutil.copytree(TINY, b)
    net_before = (b / "sdpm_net.onnx").read_bytes()
    s = {"cases": 2, "casesWithLesion": 1, "dice": 0.5, "vc": float("nan"), "vdp": 0.1, "vdpMedian": 0.1,
         "fpMlLesionFree": 0.0, "smallLesions": 0, "smallDetectionRate": float("nan"), "smallDice": float("nan")}
    ev = {"data": "d", "profile": "cpu-fast", "summary": {"yAvg": s}, "summaryByBackground": {"procedural": {"yAvg": s}}}
    lv = {"q": 1.0, "nCalibration": 20, "measuredCoverage": 0.9, "nTest": 10}
    cal = {"schema": 1, "method": "split-conformal-relative", "nominalCoverage": 0.9, "cMl": 0.5, "mode": "avg",
           "profile": "cpu-fast", "nSamples": 4, "study": lv, "lesion": lv, "calibrationSet": "c", "testSet": "t"}
    meta = update(b, ev, cal, "heldOutV3", "title", "note")
    assert json.loads((b / "calibration.json").read_text()) == cal
    assert meta["metrics"]["calibration"] == cal and "SDPM-y_avg" in meta["metrics"]["heldOutV3"]["tableText"]
    assert (b / "sdpm_net.onnx").read_bytes() == net_before
    assert "## Volume interval" in (b / "MODEL_CARD.md").read_text()
    assert not (b / "detection.json").exists() and "## Detection by lesion type" not in (b / "MODEL_CARD.md").read_text()
    sums = dict(line.split("  ")[::-1] for line in (b / "SHA256SUMS").read_text().splitlines())
    assert sums["calibration.json"] == hashlib.sha256((b / "calibration.json").read_bytes()).hexdigest()
    assert sums["metadata.json"] == hashlib.sha256((b / "metadata.json").read_bytes()).hexdigest()
    update(b, ev, cal, "heldOutV3", "title", "note")  # idempotent: the table is replaced, not appended twice
    text = json.loads((b / "metadata.json").read_text())["metrics"]["tableText"]
    assert text.count("--- heldOutV3 ---") == 1


def test_detection_is_copied_in_stated_on_the_card_and_checksummed(tmp_path: Path) -> None:
    from sdpm.bundle_calibrate import main

    b = tmp_path / "b"
    shutil.copytree(TINY, b)
    s = {"cases": 1, "casesWithLesion": 1, "dice": 0.5, "vc": float("nan"), "vdp": 0.1, "vdpMedian": 0.1,
         "fpMlLesionFree": float("nan"), "smallLesions": 0, "smallDetectionRate": float("nan"), "smallDice": float("nan")}
    (tmp_path / "test.json").write_text(json.dumps({"data": "d", "profile": "engine", "summary": {"yAvg": s},
                                                    "summaryByBackground": {}}))
    lv = {"q": 1.0, "nCalibration": 20, "measuredCoverage": 0.9, "nTest": 10}
    (tmp_path / "cal.json").write_text(json.dumps({"schema": 1, "method": "split-conformal-relative", "nominalCoverage": 0.9,
                                                   "cMl": 0.5, "mode": "avg", "study": lv, "lesion": lv,
                                                   "calibrationSet": "c", "testSet": "t"}))
    det = {"schema": 1, "method": "largest-true-lesion-overlap", "mode": "avg", "profile": "cpu-fast", "minTrueMl": 2.0,
           "testSet": "T", "kinds": [{"kind": "infarct", "nCases": 30, "nFound": 1, "foundRate": 0.033, "ci95": [0.001, 0.172],
                                      "nCasesAll": 60, "nFoundAll": 3, "dice": 0.01, "volumeRatioMedian": 0.0}],
           "lesionFree": {"nCases": 21, "nWithFinding": 5, "rate": 0.238, "ci95": [0.082, 0.472]}}
    (tmp_path / "det.json").write_text(json.dumps(det))
    common = ["--bundle", str(b), "--test", str(tmp_path / "test.json"), "--title", "t", "--note", "n"]
    with pytest.raises(SystemExit):  # --calibration stays required
        main([*common, "--detection", str(tmp_path / "det.json")])
    main([*common, "--calibration", str(tmp_path / "cal.json"), "--detection", str(tmp_path / "det.json")])
    assert json.loads((b / "detection.json").read_text()) == det
    assert json.loads((b / "metadata.json").read_text())["metrics"]["detection"] == det
    assert "This model misses most infarcts" in (b / "MODEL_CARD.md").read_text()
    sums = dict(line.split("  ")[::-1] for line in (b / "SHA256SUMS").read_text().splitlines())
    assert sums["detection.json"] == hashlib.sha256((b / "detection.json").read_bytes()).hexdigest()
    assert sums["metadata.json"] == hashlib.sha256((b / "metadata.json").read_bytes()).hexdigest()


def test_version_bump_release_note_and_limitation_are_written_once(tmp_path: Path) -> None:
    b = tmp_path / "b"
    shutil.copytree(TINY, b)
    s = {"cases": 1, "casesWithLesion": 1, "dice": 0.5, "vc": float("nan"), "vdp": 0.1, "vdpMedian": 0.1,
         "fpMlLesionFree": float("nan"), "smallLesions": 0, "smallDetectionRate": float("nan"), "smallDice": float("nan")}
    ev = {"data": "d", "profile": "cpu-fast", "summary": {"yAvg": s}, "summaryByBackground": {}}
    lv = {"q": 1.0, "nCalibration": 20, "measuredCoverage": 0.9, "nTest": 10}
    cal = {"schema": 1, "method": "split-conformal-relative", "nominalCoverage": 0.9, "cMl": 0.5, "mode": "avg",
           "profile": "cpu-fast", "nSamples": 4, "study": lv, "lesion": lv, "calibrationSet": "c", "testSet": "t"}
    with pytest.raises(ValueError, match="release note"):
        update(b, ev, cal, "k", "title", "note", version="9.9.9")
    for _ in range(2):  # idempotent
        meta = update(b, ev, cal, "k", "title", "note", version="9.9.9", release_note="what changed",
                      limitations=["Finds few infarcts."])
    assert meta["version"] == "9.9.9" and meta["releaseNotes"]["9.9.9"] == "what changed"
    assert meta["limitations"].count("Finds few infarcts.") == 1
    assert meta["limitations"][-2:] == ["Finds few infarcts.", "Not for clinical use."]  # the tiny bundle ends with it
    card = (b / "MODEL_CARD.md").read_text()
    assert "Version 9.9.9." in card and "- 9.9.9: what changed" in card and "Finds few infarcts." in card
