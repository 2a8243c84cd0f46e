"""Case-level detection per lesion kind (sdpm.evaluate.summarise_by_lesion_kind) and the bundle's detection.json
(sdpm.detection), on tiny hand-made evaluate_engine outputs."""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from sdpm.calibration import coverage_ci95
from sdpm.detection import detection, main
from sdpm.evaluate import case_lesion_kinds, lesion_kind_table, summarise_by_lesion_kind


def row(case: str, ref: float, pred: float, true: List[Tuple[float, bool]], d: float = 0.5) -> Dict[str, Any]:
    """An evaluate_engine row; ``true`` = (trueMl, detected) per true lesion."""
    return {"case": case, "background": "procedural", "ref_ml": ref, "pred_ml": {"yAvg": pred}, "dice": {"yAvg": d},
            "lesions": {"yAvg": {"true": [{"trueMl": ml, "detected": det, "dice": 0.0, "matchedPredMl": 0.0}
                                          for ml, det in true], "pred": []}}}


def lesion(kind: str) -> Dict[str, Any]:
    return {"type": kind, "subtype": "x", "true_volume_ml": 1.0}


def dataset(root: Path, kinds: Dict[str, List[str]]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    (root / "cases.json").write_text(json.dumps({"cases": [
        {"case": c, "lesions": [lesion(k) for k in ks], "background": {"name": "procedural"}} for c, ks in kinds.items()]}))


def test_case_lesion_kinds_one_type_mixed_and_none(tmp_path: Path) -> None:
    dataset(tmp_path, {"h": ["hemorrhage", "hemorrhage"], "i": ["infarct"], "m": ["infarct", "hemorrhage"], "n": []})
    assert case_lesion_kinds(tmp_path) == {"h": "hemorrhage", "i": "infarct", "m": "mixed", "n": "none"}
    assert case_lesion_kinds(tmp_path / "missing") == {}


def test_a_case_is_found_by_its_largest_true_lesion_only() -> None:
    rows = [row("small-found", 3.0, 0.4, [(0.5, True), (2.5, False)]),  # not found: its largest lesion was missed
            row("large-found", 4.0, 3.0, [(3.5, True), (0.5, False)])]  # found although a small lesion was missed
    kinds = {"small-found": "hemorrhage", "large-found": "infarct"}
    s = summarise_by_lesion_kind(rows, "yAvg", kinds)
    assert (s["hemorrhage"]["nCases"], s["hemorrhage"]["nFound"]) == (1, 0)
    assert (s["infarct"]["nCases"], s["infarct"]["nFound"]) == (1, 1)


def test_min_true_ml_filter_ci_dice_ratio_and_lesion_free() -> None:
    rows = [row("a", 5.0, 4.0, [(5.0, True)], d=0.6), row("b", 2.0, 1.0, [(2.0, True)], d=0.2),
            row("c", 3.0, 0.0, [(3.0, False)], d=0.0), row("d", 1.9, 1.0, [(1.9, True)], d=0.9),
            row("e", 0.0, 0.7, []), row("f", 0.0, 0.0, []), row("g", 0.0, 0.0, []), row("m", 9.0, 9.0, [(9.0, True)])]
    kinds = {"a": "hemorrhage", "b": "hemorrhage", "c": "hemorrhage", "d": "hemorrhage", "e": "none", "f": "none",
             "g": "none", "m": "mixed"}
    s = summarise_by_lesion_kind(rows, "yAvg", kinds)
    h = s["hemorrhage"]
    assert (h["nCases"], h["nFound"], h["nCasesAll"], h["nFoundAll"]) == (3, 2, 4, 3)  # d (1.9 mL) only in "all"
    assert h["foundRate"] == pytest.approx(2 / 3) and h["foundRateAll"] == pytest.approx(3 / 4)
    assert h["ci95"] == list(coverage_ci95(2, 3))
    assert h["dice"] == pytest.approx((0.6 + 0.2 + 0.0) / 3)
    assert h["volumeRatioMedian"] == pytest.approx(0.5)  # median of 0.8, 0.5, 0.0
    n = s["none"]
    assert (n["nCases"], n["nWithFinding"]) == (3, 1) and n["ci95"] == list(coverage_ci95(1, 3))
    assert n["rate"] == pytest.approx(1 / 3) and n["fpMlMean"] == pytest.approx(0.7 / 3)
    assert s["nMixed"] == 1 and s["minTrueMl"] == 2.0
    assert summarise_by_lesion_kind(rows, "yAvg", kinds, min_true_ml=1.0)["hemorrhage"]["nCases"] == 4
    i = s["infarct"]  # no infarct case: NaN-safe
    assert i["nCases"] == 0 and i["ci95"] is None and math.isnan(i["foundRate"]) and math.isnan(i["dice"])
    text = lesion_kind_table(s, "t")
    assert "hemorrhage" in text and "n/a" in text.splitlines()[3] and "mixed cases left out: 1" in text


def write_eval(path: Path, data: str, rows: List[Dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"data": data, "names": ["yAvg"], "cases": rows}))
    return path


@pytest.fixture()
def two_sets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> List[str]:
    monkeypatch.chdir(tmp_path)  # the files' data folders are relative to the current directory
    dataset(tmp_path / "ds1", {"h1": ["hemorrhage"], "h2": ["hemorrhage", "hemorrhage"], "h3": ["hemorrhage"],
                               "i1": ["infarct"], "i2": ["infarct"], "m1": ["hemorrhage", "infarct"], "n1": [], "n2": []})
    dataset(tmp_path / "ds2", {"h1": ["infarct"]})  # the same case name, another kind in another set
    a = write_eval(tmp_path / "a.json", "ds1", [
        row("h1", 5.0, 4.0, [(5.0, True)]), row("h2", 3.0, 0.5, [(0.5, True), (2.5, False)]),
        row("h3", 1.0, 1.0, [(1.0, True)]), row("i1", 4.0, 0.0, [(4.0, False)]), row("i2", 2.0, 1.0, [(2.0, True)]),
        row("m1", 6.0, 6.0, [(6.0, True)]), row("n1", 0.0, 0.3, []), row("n2", 0.0, 0.0, [])])
    b = write_eval(tmp_path / "b.json", "ds2", [row("h1", 10.0, 0.0, [(10.0, False)])])
    return [str(a), str(b)]


def test_cli_writes_exactly_the_bundle_schema(two_sets: List[str], tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["--eval", *two_sets, "--test-desc", "T", "--out", "det.json"]) == 0
    det = json.loads((tmp_path / "det.json").read_text(), parse_constant=lambda c: pytest.fail(f"{c} in detection.json"))
    assert set(det) == {"schema", "method", "mode", "profile", "minTrueMl", "testSet", "kinds", "lesionFree"}
    assert (det["schema"], det["method"], det["mode"], det["profile"], det["minTrueMl"], det["testSet"]) == (
        1, "largest-true-lesion-overlap", "avg", "cpu-fast", 2.0, "T")
    assert [k["kind"] for k in det["kinds"]] == ["hemorrhage", "infarct"]
    for k in det["kinds"]:
        assert set(k) == {"kind", "nCases", "nFound", "foundRate", "ci95", "nCasesAll", "nFoundAll", "dice",
                          "volumeRatioMedian"}
        assert all(isinstance(k[f], int) for f in ("nCases", "nFound", "nCasesAll", "nFoundAll"))
        assert all(isinstance(k[f], float) for f in ("foundRate", "dice", "volumeRatioMedian"))
        assert len(k["ci95"]) == 2 and all(isinstance(v, float) for v in k["ci95"])
    assert set(det["lesionFree"]) == {"nCases", "nWithFinding", "rate", "ci95"}
    h, i = det["kinds"]
    assert (h["nCases"], h["nFound"], h["nCasesAll"], h["nFoundAll"]) == (2, 1, 3, 2)  # h2's largest lesion was missed
    assert (i["nCases"], i["nFound"], i["nCasesAll"], i["nFoundAll"]) == (3, 1, 3, 1)  # pooled: ds2's h1 is an infarct
    assert i["ci95"] == list(coverage_ci95(1, 3))
    assert (det["lesionFree"]["nCases"], det["lesionFree"]["nWithFinding"], det["lesionFree"]["rate"]) == (2, 1, 0.5)
    assert "9 cases (8 used, 1 mixed left out) from 2 files" in capsys.readouterr().out


def test_refuses_a_kind_without_cases(two_sets: List[str], capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        main(["--eval", *two_sets, "--test-desc", "T", "--out", "det.json", "--min-true-ml", "5.5"])
    err = capsys.readouterr().err
    assert "no hemorrhage (>= 5.5 mL) cases" in err and "a.json" in err and "b.json" in err
    assert not Path("det.json").exists()
    s = summarise_by_lesion_kind([row("h", 5.0, 4.0, [(5.0, True)]), row("i", 5.0, 0.0, [(5.0, False)])], "yAvg",
                                 {"h": "hemorrhage", "i": "infarct"})
    with pytest.raises(ValueError, match="no lesion-free cases"):
        detection(s, "avg", "cpu-fast", "T")
