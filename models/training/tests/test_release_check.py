"""sdpm.release_check: the selection-table row from the engine's outputs, and a rule's verdict that only counts when
the rule is older than the results."""
from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any, Dict, List

import pytest

from sdpm.release_check import calib_metrics, demo_metrics, judge, lesion_free_metrics, main, registration


def _row(case: str, ref: float, pred: float, dice: float) -> Dict[str, Any]:
    return {"case": case, "ref_ml": ref, "pred_ml": {"yAvg": pred}, "dice": {"yAvg": dice}}


def _kinds(hem: tuple, inf: tuple, free: tuple) -> Dict[str, Any]:
    return {"hemorrhage": {"nFound": hem[0], "nCases": hem[1]}, "infarct": {"nFound": inf[0], "nCases": inf[1]},
            "none": {"nWithFinding": free[0], "nCases": free[1]}}


def _evals() -> List[Dict[str, Any]]:
    # set 1: two lesion cases (Dice 0.6, 0.0) and one lesion-free case with 0.9 mL; set 2: one lesion case (0.3), two
    # lesion-free (0.0, 0.6 mL).
    return [{"data": "s1", "missing": [], "summaryByLesionKind": _kinds((1, 2), (0, 1), (1, 1)),
             "cases": [_row("a", 5, 4, 0.6), _row("b", 3, 0, 0.0), _row("c", 0, 0.9, 0.0)]},
            {"data": "s2", "missing": ["x"], "summaryByLesionKind": _kinds((2, 2), (1, 3), (1, 2)),
             "cases": [_row("d", 2, 1, 0.3), _row("e", 0, 0.0, 0.0), _row("f", 0, 0.6, 0.0)]}]


def test_calibration_sets_are_pooled_case_by_case() -> None:
    m = calib_metrics(_evals())
    assert m["calibDice"] == pytest.approx(0.3)  # (0.6 + 0 + 0.3) / 3
    assert m["calibFpMl"] == pytest.approx(0.5)  # (0.9 + 0 + 0.6) / 3; the sets' means averaged would be 0.6
    assert (m["calibHemorrhageFound"], m["calibHemorrhageCases"]) == (3, 4)
    assert (m["calibInfarctFound"], m["calibInfarctCases"]) == (1, 4)
    assert (m["calibLesionFreeWithFinding"], m["calibLesionFreeCases"]) == (2, 3)
    assert (m["calibCases"], m["calibCasesWithLesion"], m["calibMissing"]) == (6, 3, 1)


def test_pooled_dice_differs_from_the_mean_of_set_means() -> None:
    e = _evals()
    e[1]["cases"].append(_row("g", 4, 4, 1.0))  # set 2 now has two lesion cases: pooled (0.6+0+0.3+1)/4 = 0.475
    assert calib_metrics(e)["calibDice"] == pytest.approx(0.475)


def test_a_set_without_detection_by_kind_is_refused() -> None:
    e = _evals()
    del e[1]["summaryByLesionKind"]
    with pytest.raises(ValueError, match="s2: no summaryByLesionKind"):
        calib_metrics(e)


def test_lesion_free_and_demo_metrics() -> None:
    m = lesion_free_metrics([{"fpMl": 0.2, "kept": 1, "dropped": 7, "keptAbove100Hu": 0, "droppedAbove100Hu": 5}])
    assert (m["freeFpMl"], m["freeKept"], m["freeDroppedAbove100Hu"]) == (0.2, 1, 5)
    rep = {"totalVolumeMl": 20.0, "calibratedIntervalMl": [0.0, 64.0], "droppedCandidates": [{}, {}],
           "lesions": [{"volumeMl": 0.5, "calibratedIntervalMl": [0, 1]},
                       {"volumeMl": 19.5, "calibratedIntervalMl": [10.0, 19.0]}]}
    d = demo_metrics(rep, 18.0)
    assert (d["demoLesions"], d["demoMainMl"], d["demoDropped"]) == (2, 19.5, 2)
    assert d["demoMainErrorPct"] == pytest.approx(100 * 1.5 / 18)
    assert (d["demoIntervalHasVolume"], d["demoIntervalHasTruth"]) == (1.0, 1.0)
    assert (d["demoMainIntervalHasVolume"], d["demoMainIntervalHasTruth"]) == (0.0, 1.0)  # 19.5 is outside [10, 19]
    assert demo_metrics({"totalVolumeMl": 0.0, "lesions": []}, 18.0)["demoMainErrorPct"] == pytest.approx(-100)


def test_judge_reports_each_line_and_refuses_typos() -> None:
    m = {"calibDice": 0.21, "demoLesions": 4.0, "freeFpMl": math.nan}
    lines = judge(m, {"lines": [{"metric": "calibDice", "op": ">", "value": 0.206},
                                {"metric": "demoLesions", "op": "<=", "value": 3},
                                {"metric": "freeFpMl", "op": "<=", "value": 0.5}]})
    assert [x["pass"] for x in lines] == [True, False, False]  # NaN never passes
    with pytest.raises(ValueError, match="unknown metric 'calibDICE'"):
        judge(m, {"lines": [{"metric": "calibDICE", "op": ">", "value": 0}]})
    with pytest.raises(ValueError, match="unknown operator '=>'"):
        judge(m, {"lines": [{"metric": "calibDice", "op": "=>", "value": 0}]})
    with pytest.raises(ValueError, match="no lines"):
        judge(m, {"lines": []})


def test_registration_compares_the_rule_time_with_the_first_result(tmp_path: Path) -> None:
    rule, res = tmp_path / "rule.json", tmp_path / "b" / "studies" / "s" / "report.json"
    res.parent.mkdir(parents=True)
    rule.write_text("{}")
    res.write_text("{}")
    os.utime(rule, (1000, 1000))
    os.utime(res, (2000, 2000))
    assert registration(rule, [tmp_path / "b"])["preRegistered"] is True
    os.utime(rule, (3000, 3000))  # edited after the results
    r = registration(rule, [tmp_path / "b"])
    assert r["preRegistered"] is False and r["firstResult"].endswith("report.json")


def _inputs(tmp_path: Path, bright_dropped: int) -> List[str]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    calib = tmp_path / "calib.json"
    calib.write_text(json.dumps(_evals()[0]))
    st = tmp_path / "free" / "studies" / "ge"
    st.mkdir(parents=True)
    (st / "report.json").write_text(json.dumps({"totalVolumeMl": 0.1, "lesions": [{"meanHu": 60}],
                                                "droppedCandidates": [{"meanHu": 150}] * bright_dropped}))
    (tmp_path / "demo.json").write_text(json.dumps({"totalVolumeMl": 18.5, "calibratedIntervalMl": [0, 60],
                                                    "lesions": [{"volumeMl": 18.5, "calibratedIntervalMl": [0, 50]}]}))
    (tmp_path / "truth.json").write_text(json.dumps({"trueVolumeMl": 18.17}))
    return ["--calib", str(calib), "--lesion-free", str(tmp_path / "free"), "--demo", str(tmp_path / "demo.json"),
            "--demo-truth", str(tmp_path / "truth.json"), "--out", str(tmp_path / "out.json")]


RULE = {"candidate": "t", "lines": [{"metric": "demoLesions", "op": "<=", "value": 3},
                                    {"metric": "demoMainAbsErrorPct", "op": "<=", "value": 10},
                                    {"metric": "freeDroppedAbove100Hu", "op": "<", "value": 5}]}


def _rule_before_results(tmp_path: Path, args: List[str]) -> List[str]:
    rule = tmp_path / "rule.json"
    rule.write_text(json.dumps(RULE))
    os.utime(rule, (1000, 1000))
    return args + ["--rule", str(rule)]


def test_cli_passes_fails_and_refuses_a_late_rule(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(_rule_before_results(tmp_path, _inputs(tmp_path, bright_dropped=2))) == 0
    out = json.loads((tmp_path / "out.json").read_text())
    assert out["verdict"] == "PASS" and out["registration"]["preRegistered"] is True
    assert "verdict: PASS" in capsys.readouterr().out
    assert main(_rule_before_results(tmp_path, _inputs(tmp_path / "f", bright_dropped=5))) == 1
    assert "FAIL  freeDroppedAbove100Hu < 5: measured 5" in capsys.readouterr().out
    args = _rule_before_results(tmp_path, _inputs(tmp_path / "late", bright_dropped=0))
    os.utime(tmp_path / "rule.json", None)  # touched now: after the results
    assert main(args) == 3
    assert "verdict: NOT VALID" in capsys.readouterr().out
    args = _rule_before_results(tmp_path, _inputs(tmp_path / "part", bright_dropped=0))
    ev = json.loads((tmp_path / "part" / "calib.json").read_text())
    ev["missing"] = ["case_x"]  # the engine failed on one calibration case
    (tmp_path / "part" / "calib.json").write_text(json.dumps(ev))
    assert main(args) == 3
    assert "1 calibration case(s) have no engine result" in capsys.readouterr().out


def test_cli_without_a_rule_prints_the_row_and_names_a_broken_input(tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    args = _inputs(tmp_path, bright_dropped=1)
    assert main(args + ["--label", "v12"]) == 0
    row = capsys.readouterr().out.splitlines()[2]
    assert row.startswith("v12") and "0/1" in row and "18.50 (+1.8 %)" in row
    (tmp_path / "demo.json").write_text("{not json")
    with pytest.raises(SystemExit) as e:
        main(args)
    assert e.value.code == 2
    assert f"{tmp_path / 'demo.json'}: cannot read" in capsys.readouterr().err


def _test_row(case: str, bg: str, ref: float, pred: float, dice: float, fn: int, on: int,
              small: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {"case": case, "background": bg, "ref_ml": ref, "pred_ml": {"yAvg": pred}, "dice": {"yAvg": dice},
            "lesions": {"yAvg": {"true": small, "pred": []}}, "queueFn": {"fnVoxels": fn, "onTopSlices": on}}


def test_must_show_lines_per_set_and_pooled() -> None:
    from sdpm.release_check import must_show, must_show_text

    s1 = {"data": "t1", "cases": [_test_row("a", "ge-head", 10, 9, 0.8, 10, 6, [{"trueMl": 1.0, "detected": True, "dice": 0.5}]),
                                  _test_row("b", "procedural", 5, 5, 0.9, 0, 0, [])]}
    s2 = {"data": "t2", "cases": [_test_row("c", "ge-head", 4, 1, 0.2, 30, 3, [{"trueMl": 0.5, "detected": False, "dice": 0.0}]),
                                  _test_row("d", "procedural", 0, 0.3, 0.0, 0, 0, [])]}
    cal = {"study": {"measuredCoverage": 0.86, "nTest": 192}, "lesion": {"measuredCoverage": 0.92, "nTest": 345}}
    ms = must_show([s1, s2], cal, names=["t1", "t2"])
    a, b, p = ms["sets"][0], ms["sets"][1], ms["pooled"]
    assert (a["diceGeHead"], a["diceProcedural"], a["queueFnOnTop3"]) == (0.8, 0.9, 0.6)
    assert math.isnan(b["diceProcedural"])  # its only procedural case has no lesion: no Dice to average
    assert p["diceGeHead"] == pytest.approx(0.5) and p["queueFnOnTop3"] == pytest.approx(9 / 40)
    assert p["vdpMedianGeHead"] == pytest.approx((0.1 + 0.75) / 2)
    assert (p["smallLesions"], p["smallDetection"], p["smallDice"]) == (2, 0.5, 0.25)
    text = must_show_text(ms)
    assert "Dice, GE-head backgrounds" in text and "0.800 ok" in text and "0.500 NO" in text
    assert "0.860 of 192 ok" in text and "0.920 of 345" in text
    assert "n/a" in text


def test_cli_test_mode_prints_the_must_show_lines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    t = {"data": "t", "cases": [_test_row("a", "ge-head", 10, 9, 0.8, 10, 6, [])]}
    (tmp_path / "t.json").write_text(json.dumps(t))
    assert main(["--test", str(tmp_path / "t.json"), "--out", str(tmp_path / "ms.json")]) == 0
    assert "median VDP, GE head" in capsys.readouterr().out
    assert json.loads((tmp_path / "ms.json").read_text())["pooled"]["diceProcedural"] is None  # NaN written as null
    with pytest.raises(SystemExit):
        main(["--label", "x"])  # neither stage's inputs
    assert "--calib, --lesion-free, --demo and --demo-truth are required" in capsys.readouterr().err
