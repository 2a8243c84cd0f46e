"""Metrics of sdpm.evaluate on hand-made numbers."""
import json
import math
from pathlib import Path

import numpy as np
import pytest

from sdpm.evaluate import case_backgrounds, dice, merge_results, resolve_sampler, summarise


def test_dice() -> None:
    a = np.zeros((2, 4, 4), bool)
    b = np.zeros((2, 4, 4), bool)
    a[0, :2, :2] = True  # 4 voxels
    b[0, :2, :1] = True  # 2 voxels, both inside a
    assert dice(a, b) == pytest.approx(2 * 2 / 6)
    assert dice(np.zeros(3, bool), np.zeros(3, bool)) == 1.0


def test_summary_vc_vdp_fp() -> None:
    rows = [
        {"ref_ml": 10.0, "pred_ml": {"yAvg": 12.0}, "dice": {"yAvg": 0.8}},
        {"ref_ml": 20.0, "pred_ml": {"yAvg": 18.0}, "dice": {"yAvg": 0.6}},
        {"ref_ml": 40.0, "pred_ml": {"yAvg": 44.0}, "dice": {"yAvg": 0.7}},
        {"ref_ml": 0.0, "pred_ml": {"yAvg": 1.5}, "dice": {"yAvg": 0.0}},
    ]
    s = summarise(rows, ["yAvg"])["yAvg"]
    assert s["dice"] == pytest.approx(0.7)  # lesion-free case excluded
    assert s["vdp"] == pytest.approx((0.2 + 0.1 + 0.1) / 3)
    assert s["fpMlLesionFree"] == pytest.approx(1.5)
    assert s["vc"] == pytest.approx(float(np.corrcoef([12, 18, 44, 1.5], [10, 20, 40, 0])[0, 1]))
    assert not math.isnan(s["vc"])


def test_profiles_resolve() -> None:
    fast = resolve_sampler("cpu-fast")
    assert fast["ySal"]["tStride"] == 32 and fast["yInfer"]["nSteps"] == 5 and fast["ySal"]["window"] == 251
    assert resolve_sampler("code")["yInfer"]["codeCompat"] is True


def test_case_backgrounds_reads_cases_json(tmp_path: Path) -> None:
    (tmp_path / "cases.json").write_text(json.dumps({"cases": [
        {"case": "a", "background": {"name": "procedural"}}, {"case": "b", "background": {"name": "ge-head"}},
        {"case": "c"}]}))
    assert case_backgrounds(tmp_path) == {"a": "procedural", "b": "ge-head", "c": "unknown"}
    assert case_backgrounds(tmp_path / "missing") == {}


def test_merge_results_recomputes_the_summary_over_shards(tmp_path: Path) -> None:
    def part(rows: list, ge: bool) -> dict:
        r = {"checkpoint": "c.pt", "step": 5, "data": "d", "profile": "cpu-fast", "sampler": {}, "names": ["yAvg"],
             "cases": rows}
        if ge:
            r["geHeadNoLesion"] = {"yAvg": {"fpMl": 1.5, "fpMlOutsideOldInfarcts": 1.0}}
        return r

    def row(i: int, ref: float, pred: float, d: float) -> dict:
        return {"i": i, "case": f"c{i}", "background": "procedural" if i % 2 else "ge-head", "ref_ml": ref,
                "pred_ml": {"yAvg": pred}, "dice": {"yAvg": d}}

    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(part([row(0, 1.0, 2.0, 0.5), row(2, 0.0, 0.5, 0.0)], True)))
    b.write_text(json.dumps(part([row(1, 4.0, 3.0, 0.7), row(3, 2.0, 2.0, 0.9)], False)))
    m = merge_results([a, b], tmp_path / "m.json")
    assert [r["i"] for r in m["cases"]] == [0, 1, 2, 3]
    s = m["summary"]["yAvg"]
    assert s["cases"] == 4 and s["casesWithLesion"] == 3
    assert s["dice"] == pytest.approx((0.5 + 0.7 + 0.9) / 3)
    assert s["vdp"] == pytest.approx((1.0 + 0.25 + 0.0) / 3) and s["fpMlLesionFree"] == pytest.approx(0.5)
    assert m["geHeadNoLesion"]["yAvg"]["fpMl"] == 1.5 and set(m["summaryByBackground"]) == {"ge-head", "procedural"}
    bad = json.loads(b.read_text())
    bad["step"] = 6
    b.write_text(json.dumps(bad))
    with pytest.raises(ValueError, match="not the same"):
        merge_results([a, b], None)
