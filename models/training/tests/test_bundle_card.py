"""The bundle's model card: tables, training phases, the not-for-clinical-use statement and how to retrain."""
from sdpm.bundle import model_card


def meta(metrics: dict) -> dict:
    return {"name": "m", "summary": "s", "intendedUse": "research",
            "network": {"preset": "compact-s", "dim": 8, "dimMults": [1, 2], "attnHeads": 4, "attnDimHead": 16,
                        "parameters": 1234, "imageSize": 128},
            "training": {"data": "synthetic", "steps": 10, "emaStep": 1, "device": "cpu", "batchSize": 4, "lr": 1e-4,
                         "lrMin": 6e-5, "loss": {}, "history": ["phase one", "phase two"]},
            "metrics": metrics, "assumptions": ["a"], "deviations": ["d"], "limitations": ["l"]}


def test_card_renders_table_text_history_and_retraining() -> None:
    card = model_card(meta({"tableText": "method  Dice\nSDPM-y_avg  0.5", "x": 1}))
    assert "```\nmethod  Dice\nSDPM-y_avg  0.5\n```" in card
    assert '"tableText"' not in card and '"x": 1' in card
    assert "- phase 1: phase one" in card and "- phase 2: phase two" in card
    assert "Not for clinical use" in card and "synthetic lesions only" in card
    assert "--preset compact-s" in card and "Training on a real dataset" in card


def test_card_without_metrics_says_so() -> None:
    assert "Not yet evaluated." in model_card(meta({}))


def test_card_states_the_interval_coverage_per_level_and_bin() -> None:
    bins = [{"fromMl": 0.0, "q": 12.0, "nCalibration": 230, "measuredCoverage": 0.824, "nTest": 119, "coverageCi95": [0.74, 0.89]},
            {"fromMl": 0.5, "q": 8.8, "nCalibration": 94, "measuredCoverage": 0.925, "nTest": 40, "coverageCi95": [0.8, 0.98]},
            {"fromMl": 5.0, "q": 0.98, "nCalibration": 60, "measuredCoverage": 0.909, "nTest": 33, "coverageCi95": [0.76, 0.98]}]
    cal = {"method": "split-conformal-relative-binned", "nominalCoverage": 0.9, "cMl": 0.5, "mode": "avg",
           "calibrationSet": "C", "testSet": "T",
           "study": {"nCalibration": 384, "measuredCoverage": 0.859, "nTest": 192, "coverageCi95": [0.8, 0.905], "bins": bins},
           "lesion": {"nCalibration": 600, "measuredCoverage": 0.945, "nTest": 307, "bins": [dict(bins[0], fromMl=0.0)]}}
    m = meta({"calibration": cal})
    m["version"] = "9.9.9"
    m["releaseNotes"] = {"9.9.9": "new interval"}
    card = model_card(m)
    assert "Version 9.9.9." in card and "- 9.9.9: new interval" in card
    assert "- study level: the true volume fell inside the interval for 86% of 192 test cases (exact 95% CI 80%-91%)" in card, "90.5 % rounds up, as the app prints it"
    assert "  - predicted under 0.5 mL: q = 12 from 230 calibration cases; 82% of 119 test cases" in card
    assert "  - predicted 0.5 to 5 mL: q = 8.8" in card and "  - predicted 5 mL or more: q = 0.98 from 60" in card
    assert "- lesion level: the true volume fell inside the interval for 95% of 307 test lesions" in card
    assert "predicted under" not in card.split("- lesion level")[1], "a level with one bin lists no bins"


def detection(hemorrhage_rate: float) -> dict:
    return {"schema": 1, "method": "largest-true-lesion-overlap", "mode": "avg", "profile": "cpu-fast", "minTrueMl": 2.0,
            "testSet": "192 held-out cases",
            "kinds": [{"kind": "hemorrhage", "nCases": 40, "nFound": 30, "foundRate": hemorrhage_rate, "ci95": [0.588, 0.873],
                       "nCasesAll": 90, "nFoundAll": 40, "dice": 0.41, "volumeRatioMedian": 0.8},
                      {"kind": "infarct", "nCases": 30, "nFound": 1, "foundRate": 0.033, "ci95": [0.001, 0.172],
                       "nCasesAll": 60, "nFoundAll": 3, "dice": 0.01, "volumeRatioMedian": 0.0}],
            "lesionFree": {"nCases": 21, "nWithFinding": 5, "rate": 0.238, "ci95": [0.082, 0.472]}}


def test_card_states_detection_per_lesion_type_and_warns_only_for_a_kind_found_under_half() -> None:
    card = model_card(meta({"detection": detection(0.75)}))
    section = card.split("## Detection by lesion type\n")[1].split("\n## ")[0]
    assert ("- Hemorrhage of 2 mL or more: found in 75% of 40 held-out test cases (exact 95% CI 59%-87%); all sizes 40 "
            "of 90; mean Dice 0.41, median predicted/true volume 0.80.") in section
    assert "- Infarct of 2 mL or more: found in 3% of 30 held-out test cases (exact 95% CI 0%-17%)" in section
    assert "- Lesion-free cases: a finding was listed in 24% of 21 (exact 95% CI 8%-47%)." in section
    assert "Test set: 192 held-out cases." in section and "largest true lesion overlaps a lesion the engine kept" in section
    assert "This model misses most infarcts: a study in which it lists none does not rule one out." in section
    assert "misses most hemorrhages" not in card
    assert "misses most hemorrhages" not in model_card(meta({"detection": detection(0.5)}))
    assert "This model misses most hemorrhages:" in model_card(meta({"detection": detection(0.49)}))
    assert "## Detection by lesion type" not in model_card(meta({"x": 1}))
