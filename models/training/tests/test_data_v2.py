"""Generator v2 (issue 10 item 3): hard negatives, hemorrhage subtypes, volume sampler, determinism."""
from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy import ndimage

from data_fixtures import TINY
from sdpm.data.hard_negatives import INSERTERS, add_hard_negatives
from sdpm.data.hemorrhage_subtypes import (insert_ivh_cast, insert_subarachnoid, insert_subdural,
                                           sample_volume_v2)
from sdpm.data.procedural_head import procedural_head
from sdpm.data.synthetic import make_case

V2 = dataclasses.replace(TINY, v2=True)


@pytest.fixture(scope="module")
def head():  # type: ignore[no-untyped-def]
    return procedural_head(np.random.default_rng(4), matrix=96)


@pytest.mark.parametrize("name", sorted(INSERTERS))
def test_each_hard_negative_changes_hu_only_and_is_deterministic(head, name: str) -> None:  # type: ignore[no-untyped-def]
    hits = 0
    for seed in range(4):
        hu1, hu2 = head.hu.copy(), head.hu.copy()
        r1 = INSERTERS[name](head, hu1, np.random.default_rng(seed))
        r2 = INSERTERS[name](head, hu2, np.random.default_rng(seed))
        assert np.array_equal(hu1, hu2) and r1 == r2
        if r1 is not None:
            hits += 1
            assert r1["kind"]
            assert not np.array_equal(hu1, head.hu), f"{name} recorded but changed nothing"
    assert hits > 0, f"{name} never found a site on a procedural head"


def test_calcifications_are_bright_and_intracranial(head) -> None:  # type: ignore[no-untyped-def]
    from sdpm.data.hard_negatives import choroid_plexus, pineal

    hu = head.hu.copy()
    assert choroid_plexus(head, hu, np.random.default_rng(1)) is not None
    assert pineal(head, hu, np.random.default_rng(2)) is not None
    new_bright = (hu > 90) & (head.hu <= 90)
    assert new_bright.any()
    assert (new_bright & head.intracranial).sum() == new_bright.sum()


def test_add_hard_negatives_deterministic(head) -> None:  # type: ignore[no-untyped-def]
    a, b = head.hu.copy(), head.hu.copy()
    ra = add_hard_negatives(head, a, np.random.default_rng(9))
    rb = add_hard_negatives(head, b, np.random.default_rng(9))
    assert ra == rb and np.array_equal(a, b) and len(ra) >= 1


def _insert(fn, head, target: float, seed: int):  # type: ignore[no-untyped-def]
    hu = head.hu.copy()
    lab = np.zeros(hu.shape, dtype=bool)
    rec = fn(head, hu, lab, np.random.default_rng(seed), target)
    return rec, hu, lab


def test_subdural_is_a_crescent_on_the_inner_table(head) -> None:  # type: ignore[no-untyped-def]
    rec, hu, lab = _insert(insert_subdural, head, 10.0, 3)
    assert rec is not None and rec.subtype == "subdural"
    vol = lab.sum() * head.voxel_volume_ml
    assert 0.7 * 10 <= vol <= 1.6 * 10
    assert not (lab & ~head.intracranial).any()
    depth = np.stack([ndimage.distance_transform_edt(m, sampling=head.spacing_zyx_mm[1:]) for m in head.intracranial])
    assert np.median(depth[lab]) < 8.0, "the blood lies along the inner table"
    assert 45 <= rec.mean_hu <= 90


def test_ivh_cast_fills_the_ventricle(head) -> None:  # type: ignore[no-untyped-def]
    rec, hu, lab = _insert(insert_ivh_cast, head, 3.0, 5)
    assert rec is not None and rec.subtype == "intraventricular-cast"
    assert lab.any() and not (lab & ~head.ventricles).any()
    assert 45 <= rec.mean_hu <= 90


def test_subarachnoid_follows_csf_outside_the_ventricles(head) -> None:  # type: ignore[no-untyped-def]
    rec, hu, lab = _insert(insert_subarachnoid, head, 1.0, 6)
    assert rec is not None and rec.subtype == "subarachnoid"
    assert lab.any() and not (lab & head.ventricles).any() and not (lab & ~head.intracranial).any()
    assert rec.mean_hu > rec.reference_hu + 20, "blood is denser than the CSF it replaces"


def test_volume_sampler_v2_many_small_and_some_large() -> None:
    rng = np.random.default_rng(0)
    v = np.array([sample_volume_v2(rng) for _ in range(5000)])
    assert v.min() >= 0.05 and v.max() <= 100
    assert 0.45 <= float((v < 2).mean()) <= 0.65
    assert float((v > 60).mean()) > 0.003


def test_make_case_v2_deterministic_and_records_hard_negatives() -> None:
    bg1, hu1, lab1, rec1 = make_case(3, 0, V2)
    bg2, hu2, lab2, rec2 = make_case(3, 0, V2)
    assert np.array_equal(hu1, hu2) and np.array_equal(lab1, lab2) and rec1 == rec2
    assert bg1.info["hardNegatives"] == bg2.info["hardNegatives"]
    assert "extraNoiseHu" in bg1.info


def test_v2_off_keeps_v1_cases() -> None:
    _, hu_a, lab_a, _ = make_case(3, 1, TINY)
    _, hu_b, lab_b, _ = make_case(3, 1, dataclasses.replace(TINY, v2=False))
    assert np.array_equal(hu_a, hu_b) and np.array_equal(lab_a, lab_b)
