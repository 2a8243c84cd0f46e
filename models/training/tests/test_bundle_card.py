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
