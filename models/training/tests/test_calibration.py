"""Split-conformal calibration and per-lesion matching (contract /work/coord/calibration-contract.md)."""
from __future__ import annotations

import math

import numpy as np

from sdpm.calibration import calibrate, conformal_q, coverage, coverage_ci95, interval, scores
from sdpm.lesion_stats import lesion_stats


def test_q_is_the_ceil_n_plus_1_times_nominal_smallest() -> None:
    s = list(range(1, 20))  # n = 19 -> ceil(20 * 0.9) = 18th smallest
    assert conformal_q(s) == 18
    assert math.isinf(conformal_q([0.1, 0.2]))  # ceil(3 * 0.9) = 3 > n


def test_interval_contains_v_and_matches_the_engine_formula() -> None:
    # same numbers as electron/core/lesions/calibratedInterval.ts: half = q (V + cMl)
    lo, hi = interval(10.0, 0.2, 0.5)
    assert (lo, hi) == (10.0 - 0.2 * 10.5, 10.0 + 0.2 * 10.5)
    assert interval(0.1, 1.0, 0.5) == (0.0, 0.1 + 0.6)
    for v in (0.0, 0.3, 18.17):
        a, b = interval(v, 0.35)
        assert a <= v <= b


def test_scores_and_coverage() -> None:
    assert np.allclose(scores([10, 0], [8, 1]), [2 / 8.5, 1 / 1.5])
    assert coverage([10, 0, 5], [10, 1, 20], q=0.1) == 1 / 3


def test_conformal_coverage_on_exchangeable_data() -> None:
    rng = np.random.default_rng(0)
    p = rng.uniform(0.1, 50, 4000)
    t = p * np.exp(rng.normal(0, 0.3, p.size))
    q = conformal_q(scores(t[:2000], p[:2000]))
    assert abs(coverage(t[2000:], p[2000:], q) - 0.9) < 0.03


def test_lesion_matching_by_max_overlap() -> None:
    ref = np.zeros((4, 10, 10), bool)
    ref[1, 1:4, 1:4] = True  # true lesion A (9 voxels)
    ref[1, 7:9, 7:9] = True  # true lesion B (4 voxels), missed
    pred = np.zeros_like(ref)
    pred[1, 2:5, 1:4] = True  # overlaps A by 6
    pred[3, 6:8, 0:2] = True  # false positive
    st = lesion_stats(pred, ref, voxel_ml=0.5)
    assert sorted(r["trueMl"] for r in st["pred"]) == [0.0, 4.5]
    a, b = st["true"]
    assert a["detected"] and math.isclose(a["dice"], 12 / 18) and not b["detected"] and b["dice"] == 0.0


def test_calibrate_writes_the_contract_fields() -> None:
    rows = [{"ref_ml": float(i), "pred_ml": {"yAvg": float(i) + 0.5},
             "lesions": {"yAvg": {"pred": [{"predMl": float(i) + 0.5, "trueMl": float(i)}], "true": []}}}
            for i in range(20)]
    ev = {"cases": rows}
    c = calibrate(ev, ev, "yAvg", "cpu-fast", 4, "calib", "test", "avg")
    for k in ("schema", "method", "nominalCoverage", "cMl", "mode", "profile", "nSamples", "study", "lesion",
              "calibrationSet", "testSet"):
        assert k in c
    assert c["study"]["measuredCoverage"] >= 0.9 and c["study"]["nCalibration"] == 20 and c["mode"] == "avg"
    lo, hi = c["study"]["coverageCi95"]
    assert lo <= c["study"]["measuredCoverage"] <= hi


def test_coverage_ci95_is_the_exact_binomial_interval() -> None:
    # 40 of 48 covered: Clopper-Pearson 0.698-0.925 (beta quantiles 0.025 of Beta(40, 9), 0.975 of Beta(41, 8))
    lo, hi = coverage_ci95(40, 48)
    assert abs(lo - 0.6978) < 1e-3 and abs(hi - 0.9252) < 1e-3
    assert coverage_ci95(0, 10)[0] == 0.0 and coverage_ci95(10, 10)[1] == 1.0
    # a wider interval for fewer cases
    assert coverage_ci95(9, 10)[1] - coverage_ci95(9, 10)[0] > hi - lo


def _hetero(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Predicted volumes with a relative error that is large for small predictions and small for large ones."""
    p = np.concatenate([rng.uniform(0, 0.5, n // 2), rng.uniform(5, 50, n - n // 2)])
    sd = np.where(p < 5, 2.0, 0.15)
    return p * np.exp(rng.normal(0, sd)) + np.where(p < 5, rng.exponential(2.0, p.size), 0.0), p


def test_mondrian_bins_hold_the_rate_per_size_where_one_q_does_not() -> None:
    from sdpm.calibration import bin_index, calibrate_level, level_interval

    rng = np.random.default_rng(1)
    tc, pc = _hetero(rng, 2000)
    tt, pt = _hetero(rng, 2000)
    pooled = calibrate_level(tc, pc, tt, pt)
    binned = calibrate_level(tc, pc, tt, pt, (5.0,))
    small, large = binned["bins"]
    assert (small["fromMl"], large["fromMl"]) == (0.0, 5.0) and small["nTest"] + large["nTest"] == 2000
    for b in binned["bins"]:
        assert abs(b["measuredCoverage"] - 0.9) < 0.03 and b["coverageCi95"][0] <= b["measuredCoverage"]
    # one q: the small predictions' large errors set it, so large predictions get a far wider range than they need
    big = pt >= 5
    assert coverage(tt[big], pt[big], pooled["q"]) > 0.99 and large["q"] < pooled["q"] / 3
    # the engine's rule: the bin of the predicted volume picks the q
    assert bin_index(4.99, (5.0,)) == 0 and bin_index(5.0, (5.0,)) == 1
    assert level_interval(18.0, binned) == interval(18.0, large["q"])
    assert level_interval(0.2, binned) == interval(0.2, small["q"])
    assert level_interval(18.0, pooled) == interval(18.0, pooled["q"])


def test_mondrian_refuses_bins_it_cannot_calibrate_or_measure() -> None:
    import pytest

    from sdpm.calibration import calibrate_level

    t = [1.0] * 30
    p = [0.1] * 25 + [10.0] * 5
    with pytest.raises(ValueError, match=r"bin >= 5 mL: 5 calibration volumes"):
        calibrate_level(t, p, t, p, (5.0,))
    with pytest.raises(ValueError, match=r"no test volumes"):
        calibrate_level(t * 2, p * 2, [1.0], [0.1], (5.0,))
    with pytest.raises(ValueError, match="ascending"):
        calibrate_level(t, p, t, p, (5.0, 1.0))


def test_calibrate_binned_states_every_level_as_bins() -> None:
    rng = np.random.default_rng(2)
    rows = []
    for i in range(200):
        pv = float(rng.choice([0.2, 10.0]))
        rows.append({"ref_ml": pv * float(np.exp(rng.normal(0, 0.3))), "pred_ml": {"yAvg": pv},
                     "lesions": {"yAvg": {"pred": [{"predMl": pv, "trueMl": pv * 1.1}], "true": []}}})
    c = calibrate({"cases": rows[:100]}, {"cases": rows[100:]}, "yAvg", "cpu-fast", 4, "c", "t", "avg", study_bins=(1.0,))
    assert c["method"] == "split-conformal-relative-binned"
    assert [b["fromMl"] for b in c["study"]["bins"]] == [0.0, 1.0]
    assert [b["fromMl"] for b in c["lesion"]["bins"]] == [0.0] and "q" not in c["lesion"]
    assert c["study"]["nTest"] == 100 and sum(b["nTest"] for b in c["study"]["bins"]) == 100



def test_the_cli_pools_several_evaluation_files_case_by_case(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from sdpm.calibration import main

    def ev(n: int, seed: int) -> dict:  # type: ignore[type-arg]
        r = np.random.default_rng(seed)
        rows = []
        for t in r.uniform(0, 20, n):
            p = float(t * r.uniform(0.5, 1.5))
            rows.append({"ref_ml": float(t), "pred_ml": {"yAvg": p},
                         "lesions": {"yAvg": {"pred": [{"trueMl": float(t), "predMl": p}]}}})
        return {"cases": rows}

    parts = [ev(30, 1), ev(50, 2), ev(40, 3)]
    for i, e in enumerate(parts):
        (tmp_path / f"c{i}.json").write_text(json.dumps(e))
    (tmp_path / "whole.json").write_text(json.dumps({"cases": [r for e in parts for r in e["cases"]]}))
    (tmp_path / "t.json").write_text(json.dumps(ev(25, 4)))
    common = ["--test", str(tmp_path / "t.json"), "--calib-desc", "c", "--test-desc", "t", "--study-bins", "5"]
    main(["--calib", *(str(tmp_path / f"c{i}.json") for i in range(3)), "--out", str(tmp_path / "a.json"), *common])
    main(["--calib", str(tmp_path / "whole.json"), "--out", str(tmp_path / "b.json"), *common])
    a, b = (json.loads((tmp_path / f).read_text()) for f in ("a.json", "b.json"))
    assert a["study"]["nCalibration"] == 120 and a == b
    main(["--calib", str(tmp_path / "c0.json"), "--out", str(tmp_path / "c.json"), *common[:-2]])  # one file, no bins
    assert json.loads((tmp_path / "c.json").read_text())["study"]["nCalibration"] == 30
