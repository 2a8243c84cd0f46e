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
    assert "- study level: the true volume fell inside the interval for 86% of 192 test cases (exact 95% CI 80%-90%)" in card
    assert "  - predicted under 0.5 mL: q = 12 from 230 calibration cases; 82% of 119 test cases" in card
    assert "  - predicted 0.5 to 5 mL: q = 8.8" in card and "  - predicted 5 mL or more: q = 0.98 from 60" in card
    assert "- lesion level: the true volume fell inside the interval for 94% of 307 test lesions" in card
    assert "predicted under" not in card.split("- lesion level")[1], "a level with one bin lists no bins"
