"""The ablation's candidates build valid training configs; the warm-baseline candidate needs its checkpoint."""
from __future__ import annotations

import argparse

import pytest

from sdpm.ablation import CANDIDATES, make_cfg, run_candidate


def test_every_candidate_builds_a_config_that_differs_from_the_shipped_recipe_only_where_it_says() -> None:
    base = {"preset": "compact-s", "steps": 3000, "batch_size": 4, "lr": 5e-4, "lr_min": 3e-4,
            "lesion_fraction": 0.3, "seed": 0}
    shipped = make_cfg(base, CANDIDATES["shipped"])
    for name, extra in CANDIDATES.items():
        cfg = make_cfg(base, extra)
        for key, value in extra.items():
            if key in ("loss", "init"):
                continue
            assert getattr(cfg, key) == value, (name, key)
        if "loss" not in extra:
            assert cfg.loss == shipped.loss, name
    # warm-baseline changes only the starting weights, not the recipe
    assert make_cfg(base, CANDIDATES["warm-baseline"]) == shipped


def test_warm_baseline_without_the_baseline_checkpoint_is_refused() -> None:
    a = argparse.Namespace(preset="compact-s", horizon=10, lr=5e-4, out="/nonexistent", init="x.pt", alt_init="",
                           budget_slices=1)
    with pytest.raises(SystemExit, match="--alt-init"):
        run_candidate("warm-baseline", CANDIDATES["warm-baseline"], a, train=_EmptyData(), val=None)


class _EmptyData:
    cases: list = []

    def __len__(self) -> int:
        return 0
