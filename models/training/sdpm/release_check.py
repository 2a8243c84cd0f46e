"""The release check of a candidate bundle (issue 10): the numbers a shipping rule is judged on, taken from the
product engine's own outputs at shipped settings, and the rule's verdict line by line.

A candidate is shipped only when a rule written down BEFORE its numbers existed says so. Sessions 8-10 kept that
rule, and the code that pooled the calibration sets, in files outside the repository; this module is that step,
so a reviewer (or a later session on a fresh machine) can reproduce the selection table from committed code:

    tools/release-check.sh BUNDLE OUT [RULE.json]       # runs the engine, then this module
    /usr/bin/python3 -m sdpm.release_check --calib OUT/calib-1.json OUT/calib-2.json --lesion-free OUT/free \\
        --demo OUT/demo/report.json --demo-truth ../demo/ge-head-ich/truth.json --label NAME [--rule RULE.json]

Inputs, all written by the product engine (`sdpm batch`, `sdpm demo`) and `sdpm.evaluate_engine`:
- ``--calib``: `sdpm.evaluate_engine` outputs on the calibration split (sets pooled case by case);
- ``--lesion-free``: an `sdpm batch` folder over the real GE head with no lesion inserted;
- ``--demo``: the demo's report.json, with its truth.json.

Stage 2 (`tools/release-test.sh`): ``--test EVAL.json ... [--calibration calibration.json]`` prints issue 10's
must-show lines on the test sets instead (per set and pooled case by case, with their targets).

The rule file (JSON) names metrics of `metrics()` with a comparison, e.g.
``{"candidate": "v12", "lines": [{"metric": "calibDice", "op": ">", "value": 0.206}, ...]}``. It must be older
than every engine output it judges: a rule file modified after the results is reported as not pre-registered and
the verdict is NOT VALID (exit 3), whatever the numbers say; so is a verdict on a calibration split with cases missing.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import operator
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence

from .evaluate_engine import lesion_free

OPS: Dict[str, Callable[[float, float], bool]] = {">": operator.gt, ">=": operator.ge, "<": operator.lt,
                                                  "<=": operator.le, "==": operator.eq}


def calib_metrics(evals: Sequence[Dict[str, Any]], key: str = "yAvg") -> Dict[str, float]:
    """Pooled over the calibration sets, case by case: mean Dice of the cases with lesion, case-level detection of
    hemorrhages and infarcts of 2 mL or more (`summaryByLesionKind`), lesion-free cases with a finding and their mean
    false-positive volume. A set without `summaryByLesionKind` (no cases.json) is refused: the detection lines need it."""
    rows = [r for e in evals for r in e["cases"] if key in r["pred_ml"]]
    if not rows:
        raise ValueError(f"no case has a {key} result")
    dice = [r["dice"][key] for r in rows if r["ref_ml"] > 0]
    free = [r["pred_ml"][key] for r in rows if r["ref_ml"] == 0]
    out: Dict[str, float] = {"calibCases": float(len(rows)), "calibCasesWithLesion": float(len(dice)),
                             "calibDice": float(sum(dice) / len(dice)) if dice else math.nan,
                             "calibFpMl": float(sum(free) / len(free)) if free else math.nan,
                             "calibMissing": float(sum(len(e.get("missing", [])) for e in evals))}
    for e in evals:
        if "summaryByLesionKind" not in e:
            raise ValueError(f"{e.get('data', '?')}: no summaryByLesionKind (the set has no cases.json)")
    for kind, name in (("hemorrhage", "Hemorrhage"), ("infarct", "Infarct")):
        out[f"calib{name}Found"] = float(sum(e["summaryByLesionKind"][kind]["nFound"] for e in evals))
        out[f"calib{name}Cases"] = float(sum(e["summaryByLesionKind"][kind]["nCases"] for e in evals))
    out["calibLesionFreeWithFinding"] = float(sum(e["summaryByLesionKind"]["none"]["nWithFinding"] for e in evals))
    out["calibLesionFreeCases"] = float(sum(e["summaryByLesionKind"]["none"]["nCases"] for e in evals))
    return out


def lesion_free_metrics(studies: Sequence[Dict[str, Any]]) -> Dict[str, float]:
    """The lesion-free batch (`sdpm.evaluate_engine.lesion_free`): false-positive volume and candidates, summed."""
    if not studies:
        raise ValueError("the lesion-free batch has no study result")
    s = lambda k: float(sum(x[k] or 0 for x in studies))  # noqa: E731
    return {"freeStudies": float(len(studies)), "freeFpMl": s("fpMl"), "freeKept": s("kept"),
            "freeDropped": s("dropped"), "freeKeptAbove100Hu": s("keptAbove100Hu"),
            "freeDroppedAbove100Hu": s("droppedAbove100Hu")}


def _inside(iv: Any, v: float) -> float:
    return 1.0 if isinstance(iv, list) and len(iv) == 2 and iv[0] <= v <= iv[1] else 0.0


def demo_metrics(report: Dict[str, Any], true_ml: float) -> Dict[str, float]:
    """The demo study: lesions listed, the main (largest) lesion against the truth, intervals, dropped candidates.
    ``demoMainErrorPct`` is the signed error of the main lesion in % of the truth; ``demoMainAbsErrorPct`` its size."""
    lesions = report.get("lesions", [])
    main = max(lesions, key=lambda x: x["volumeMl"]) if lesions else None
    main_ml = float(main["volumeMl"]) if main else 0.0
    err = 100.0 * (main_ml - true_ml) / true_ml
    total = float(report["totalVolumeMl"])
    study_iv = report.get("calibratedIntervalMl")
    return {"demoLesions": float(len(lesions)), "demoMainMl": main_ml, "demoTotalMl": total, "demoTrueMl": true_ml,
            "demoMainErrorPct": err, "demoMainAbsErrorPct": abs(err),
            "demoDropped": float(len(report.get("droppedCandidates", []))),
            "demoIntervalHasVolume": _inside(study_iv, total), "demoIntervalHasTruth": _inside(study_iv, true_ml),
            "demoMainIntervalHasVolume": _inside(main.get("calibratedIntervalMl") if main else None, main_ml),
            "demoMainIntervalHasTruth": _inside(main.get("calibratedIntervalMl") if main else None, true_ml)}


def must_show(tests: Sequence[Dict[str, Any]], calibration: Optional[Dict[str, Any]], key: str = "yAvg",
              names: Optional[Sequence[str]] = None) -> Dict[str, Any]:
    """Issue 10's must-show lines on the held-out test sets (engine at shipped settings), per set and pooled case by
    case: default-mode Dice on GE-head and procedural backgrounds, median VDP on GE heads, the under-2-mL row,
    missed voxels on the first 3 review-queue entries' slices, and the interval coverage the calibration measured."""
    from .evaluate import summarise, summarise_by_background

    def one(rows: List[Dict[str, Any]]) -> Dict[str, float]:
        rows = [r for r in rows if key in r["pred_ml"]]
        s, bg = summarise(rows, [key])[key], summarise_by_background(rows, [key])
        g = lambda b, k: float(bg[b][key][k]) if b in bg else math.nan  # noqa: E731
        fn = sum(r.get("queueFn", {}).get("fnVoxels", 0) for r in rows)
        on = sum(r.get("queueFn", {}).get("onTopSlices", 0) for r in rows)
        return {"cases": float(len(rows)), "dice": float(s["dice"]), "diceGeHead": g("ge-head", "dice"),
                "diceProcedural": g("procedural", "dice"), "vdpMedianGeHead": g("ge-head", "vdpMedian"),
                "smallLesions": float(s["smallLesions"]), "smallDetection": float(s["smallDetectionRate"]),
                "smallDice": float(s["smallDice"]), "queueFnOnTop3": on / fn if fn else math.nan}

    per = [one(e["cases"]) for e in tests]
    out: Dict[str, Any] = {"sets": [{"name": (names[i] if names else tests[i].get("data", str(i))), **m}
                                    for i, m in enumerate(per)],
                           "pooled": one([r for e in tests for r in e["cases"]])}
    if calibration is not None:
        out["coverage"] = {lvl: {"rate": float(calibration[lvl]["measuredCoverage"]), "n": int(calibration[lvl]["nTest"])}
                           for lvl in ("study", "lesion")}
    return out


MUST_SHOW = (("diceGeHead", ">=", 0.75, "Dice, GE-head backgrounds"), ("vdpMedianGeHead", "<=", 0.15, "median VDP, GE head"),
             ("diceProcedural", ">=", 0.85, "Dice, procedural backgrounds"),
             ("queueFnOnTop3", ">=", 0.5, "missed voxels on the first 3 queue entries' slices"))


def must_show_text(ms: Dict[str, Any]) -> str:
    f = lambda v: "  n/a" if math.isnan(v) else f"{v:5.3f}"  # noqa: E731
    cols = [*ms["sets"], {"name": "pooled", **ms["pooled"]}]
    w = max(12, *(len(str(c["name"])) + 1 for c in cols))
    lines = ["Issue 10 must-show lines, engine at shipped settings (default mode), per test set and pooled case by case",
             f"{'line':<52}{'target':>8}  " + "".join(f"{str(c['name'])[-w + 1:]:>{w}}" for c in cols)]
    for k, op, v, label in MUST_SHOW:
        met = lambda c: (not math.isnan(c[k])) and OPS[op](c[k], v)  # noqa: E731
        lines.append(f"{label:<52}{op + ' ' + format(v, 'g'):>8}  " + "".join(
            f"{f(c[k]) + (' ok' if met(c) else ' NO'):>{w}}" for c in cols))
    for k, label in (("smallDetection", "lesions under 2 mL: detection"), ("smallDice", "lesions under 2 mL: Dice"),
                     ("smallLesions", "lesions under 2 mL: count"), ("dice", "Dice, all backgrounds"),
                     ("cases", "cases")):
        lines.append(f"{label:<52}{'':>8}  " + "".join(
            f"{(str(int(c[k])) if k in ('smallLesions', 'cases') else f(c[k])):>{w}}" for c in cols))
    if "coverage" in ms:
        for lvl, c in ms["coverage"].items():
            ok = 0.85 <= c["rate"] <= 0.95 if lvl == "study" else True
            lines.append(f"{'interval coverage, ' + lvl + ' level (nominal 90 %)':<52}{'85-95 %' if lvl == 'study' else '':>8}  "
                         f"{c['rate']:.3f} of {c['n']}{(' ok' if ok else ' NO') if lvl == 'study' else ''}")
    return "\n".join(lines)


def judge(metrics: Dict[str, float], rule: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Each rule line with the measured value and whether it holds. An unknown metric or operator is an error
    (a typo in a rule must not pass silently); a NaN value fails its line."""
    lines = rule.get("lines")
    if not isinstance(lines, list) or not lines:
        raise ValueError("the rule has no lines")
    out = []
    for i, ln in enumerate(lines):
        m, op, v = ln.get("metric"), ln.get("op"), ln.get("value")
        if m not in metrics:
            raise ValueError(f"rule line {i + 1}: unknown metric {m!r} (known: {', '.join(sorted(metrics))})")
        if op not in OPS:
            raise ValueError(f"rule line {i + 1}: unknown operator {op!r} (known: {' '.join(OPS)})")
        if not isinstance(v, (int, float)):
            raise ValueError(f"rule line {i + 1}: value must be a number, got {v!r}")
        got = metrics[m]
        ok = (not math.isnan(got)) and OPS[op](got, float(v))
        out.append({"metric": m, "op": op, "value": float(v), "measured": got, "pass": bool(ok),
                    "why": ln.get("why", "")})
    return out


def registration(rule_file: Path, results: Sequence[Path]) -> Dict[str, Any]:
    """Whether the rule file is older than every engine output it judges (file modification times), and its hash."""
    files = [p for r in results for p in ([r] if r.is_file() else sorted(r.rglob("report.json")))]
    if not files:
        raise ValueError("no result files to compare the rule's time with")
    rule_t = rule_file.stat().st_mtime
    first = min(files, key=lambda p: p.stat().st_mtime)
    iso = lambda t: datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    return {"ruleFile": str(rule_file), "ruleSha256": hashlib.sha256(rule_file.read_bytes()).hexdigest(),
            "ruleModifiedUtc": iso(rule_t), "firstResultUtc": iso(first.stat().st_mtime), "firstResult": str(first),
            "preRegistered": rule_t < first.stat().st_mtime}


def row_text(label: str, m: Dict[str, float], width: int = 18) -> str:
    """One line of the selection table the training README prints (sessions 9-10 layout)."""
    f = lambda k: f"{int(m[k])}/{int(m[k.replace('Found', 'Cases').replace('WithFinding', 'Cases')])}"  # noqa: E731
    return (f"{label:<{width}}{m['calibDice']:>6.3f}  {f('calibHemorrhageFound'):>6}  {f('calibInfarctFound'):>6}  "
            f"{f('calibLesionFreeWithFinding'):>6}  {m['calibFpMl']:>5.2f} | {m['freeFpMl']:>6.3f}  "
            f"{int(m['freeKeptAbove100Hu']):>4}/{int(m['freeDroppedAbove100Hu']):<4} | {int(m['demoLesions']):>7}  "
            f"{m['demoMainMl']:6.2f} ({m['demoMainErrorPct']:+.1f} %)  {int(m['demoDropped'])}")


def header(width: int = 18) -> str:
    return (f"{'':<{width}}{'calibration split (pooled)':<40}| {'lesion-free GE head':<18}| demo\n"
            f"{'candidate':<{width}}{'Dice':>6}  {'hem>=2':>6}  {'inf>=2':>6}  {'free+':>6}  {'FP mL':>5} | {'FP mL':>6}  "
            f"{'k/d>100HU':<9} | {'lesions':>7}  main  dropped")


def _no_nan(v: Any) -> Any:
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, dict):
        return {k: _no_nan(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_no_nan(x) for x in v]
    return v


def main(argv: Optional[List[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calib", nargs="+", type=Path, help="sdpm.evaluate_engine outputs (JSON)")
    ap.add_argument("--lesion-free", type=Path, help="sdpm batch folder over the lesion-free head")
    ap.add_argument("--demo", type=Path, help="the demo's report.json")
    ap.add_argument("--demo-truth", type=Path, help="the demo study's truth.json")
    ap.add_argument("--test", nargs="+", type=Path, default=None,
                    help="instead: sdpm.evaluate_engine outputs on the TEST sets: print issue 10's must-show lines")
    ap.add_argument("--calibration", type=Path, default=None, help="with --test: the calibration.json whose coverage to state")
    ap.add_argument("--key", default="yAvg")
    ap.add_argument("--label", default="candidate")
    ap.add_argument("--rule", type=Path, default=None, help="the shipping rule (JSON), written before the run")
    ap.add_argument("--out", type=Path, default=None)
    a = ap.parse_args(argv)

    def load(p: Path) -> Any:
        try:
            return json.loads(p.read_text())
        except (OSError, ValueError) as e:
            ap.exit(2, f"{p}: cannot read ({e})\n")

    if a.test:
        ms = must_show([load(p) for p in a.test], load(a.calibration) if a.calibration else None, a.key,
                       [p.stem for p in a.test])
        print(must_show_text(ms))
        if a.out:
            a.out.write_text(json.dumps(_no_nan(ms), indent=1, allow_nan=False))
        return 0
    if not (a.calib and a.lesion_free and a.demo and a.demo_truth):
        ap.error("--calib, --lesion-free, --demo and --demo-truth are required (or --test for the must-show lines)")
    try:
        m = calib_metrics([load(p) for p in a.calib], a.key)
        m.update(lesion_free_metrics(lesion_free(a.lesion_free)["studies"]))
        truth = load(a.demo_truth).get("trueVolumeMl")
        if not isinstance(truth, (int, float)):
            ap.exit(2, f"{a.demo_truth}: no trueVolumeMl\n")
        m.update(demo_metrics(load(a.demo), float(truth)))
    except (KeyError, ValueError) as e:
        ap.exit(2, f"release check: {e}\n")
    width = max(18, len(a.label) + 2)
    print(header(width))
    print(row_text(a.label, m, width))
    if m["calibMissing"]:
        print(f"WARNING: {int(m['calibMissing'])} calibration case(s) have no engine result (see the evaluate_engine JSON)")
    result: Dict[str, Any] = {"label": a.label, "key": a.key, "metrics": m,
                              "inputs": {"calib": [str(p) for p in a.calib], "lesionFree": str(a.lesion_free),
                                         "demo": str(a.demo)}}
    rc = 0
    if a.rule is not None:
        rule = load(a.rule)
        try:
            lines = judge(m, rule)
            reg = registration(a.rule, [*a.calib, a.lesion_free, a.demo])
        except ValueError as e:
            ap.exit(2, f"{a.rule}: {e}\n")
        passed = all(x["pass"] for x in lines)
        complete = m["calibMissing"] == 0  # a verdict on part of the calibration split would not be the rule's
        verdict = ("NOT VALID" if not (reg["preRegistered"] and complete) else "PASS" if passed else "FAIL")
        print(f"\nrule {a.rule} (sha256 {reg['ruleSha256'][:12]}, modified {reg['ruleModifiedUtc']}; "
              f"first result {reg['firstResultUtc']})")
        for x in lines:
            print(f"  {'pass' if x['pass'] else 'FAIL'}  {x['metric']} {x['op']} {x['value']:g}: measured "
                  f"{x['measured']:.4g}{'  (' + x['why'] + ')' if x['why'] else ''}")
        if not reg["preRegistered"]:
            print("  the rule file was modified after the first result it judges: it is not a pre-registered rule")
        if not complete:
            print(f"  {int(m['calibMissing'])} calibration case(s) have no engine result: the verdict needs all of them")
        print(f"verdict: {verdict}")
        result.update({"rule": rule, "registration": reg, "lines": lines, "verdict": verdict})
        rc = 0 if verdict == "PASS" else 3 if verdict == "NOT VALID" else 1
    if a.out:  # NaN (a set without lesion-free cases, say) is written as null: the file stays strict JSON
        a.out.write_text(json.dumps(_no_nan(result), indent=1, allow_nan=False))
    return rc


if __name__ == "__main__":
    sys.exit(main())
