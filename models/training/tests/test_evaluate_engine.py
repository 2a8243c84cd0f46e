"""sdpm.evaluate_engine scores an `sdpm batch` output folder against a held-out dataset."""
from __future__ import annotations

import json
from pathlib import Path

import nibabel as nib
import numpy as np

from sdpm.evaluate_engine import lesion_free, score


def _nifti(path: Path, arr: np.ndarray, affine: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nib.save(nib.Nifti1Image(arr, affine), str(path))


def _dataset(root: Path) -> tuple[np.ndarray, np.ndarray]:
    affine = np.diag([0.5, 0.5, 3.0, 1.0])
    hu = np.full((16, 12, 6), 30, np.int16)
    lab = np.zeros(hu.shape, np.uint8)
    lab[4:8, 3:6, 2:4] = 1
    for name in ("case_a", "case_b"):
        _nifti(root / "imagesTr" / f"{name}_0000.nii.gz", hu, affine)
        _nifti(root / "labelsTr" / f"{name}.nii.gz", lab, affine)
    return lab, affine


def _engine_result(batch: Path, study_id: str, mask: np.ndarray, affine: np.ndarray, lesions: int) -> None:
    d = batch / "studies" / f"{study_id}-key"
    _nifti(d / "mask.nii.gz", mask.astype(np.uint8), affine)
    (d / "study.json").write_text(json.dumps({"id": study_id}))
    (d / "report.json").write_text(json.dumps({"totalVolumeMl": float(mask.sum()) * 0.75 / 1000, "mode": "avg",
                                               "lesions": [{"meanHu": 40}] * lesions,
                                               "droppedCandidates": [{"meanHu": 300}, {"meanHu": 50}]}))


def test_scores_the_engine_mask_and_reports_a_missing_study(tmp_path: Path) -> None:
    lab, affine = _dataset(tmp_path / "ds")
    half = lab.copy()
    half[4:6] = 0  # the engine found half of the lesion
    _engine_result(tmp_path / "batch", "case_a_0000", half, affine, lesions=1)
    r = score(tmp_path / "batch", tmp_path / "ds", "yAvg")
    assert r["missing"] == ["case_b"]
    assert len(r["cases"]) == 1
    row = r["cases"][0]
    assert row["case"] == "case_a"
    assert abs(row["ref_ml"] - 24 * 0.75 / 1000) < 1e-9
    assert abs(row["pred_ml"]["yAvg"] - 12 * 0.75 / 1000) < 1e-9
    assert abs(row["dice"]["yAvg"] - 2 * 12 / (24 + 12)) < 1e-9
    assert row["engine"] == {"totalVolumeMl": 12 * 0.75 / 1000, "lesions": 1, "dropped": 2, "mode": "avg"}
    assert abs(r["summary"]["yAvg"]["vdp"] - 0.5) < 1e-9


def test_lesion_free_counts_bright_kept_and_dropped_candidates(tmp_path: Path) -> None:
    _engine_result(tmp_path / "b", "ge", np.zeros((4, 4, 2), np.uint8), np.eye(4), lesions=0)
    s = lesion_free(tmp_path / "b")["studies"][0]
    assert s["fpMl"] == 0.0
    assert (s["kept"], s["dropped"], s["keptAbove100Hu"], s["droppedAbove100Hu"]) == (0, 2, 0, 1)


def test_drop_small_removes_lesions_under_the_limit_like_the_engine_rule() -> None:
    from sdpm.evaluate_engine import drop_small

    m = np.zeros((3, 6, 6), bool)
    m[0, 0:2, 0:2] = True  # 4 voxels
    m[2, 4, 4] = True  # 1 voxel
    out = drop_small(m, voxel_ml=0.01, min_ml=0.02)
    assert out.sum() == 4 and not out[2, 4, 4]
    assert drop_small(m, 0.01, 0.0).sum() == 5


def test_queue_fn_counts_missed_voxels_on_the_top_entries_slices(tmp_path: Path) -> None:
    from sdpm.evaluate_engine import queue_fn

    affine = np.diag([1.0, 1.0, 2.0, 1.0])
    d = tmp_path / "s"
    _nifti(d / "mask.nii.gz", np.zeros((4, 4, 5), np.uint8), affine)
    from sdpm.data.ge_head import nifti_to_display

    shape = nifti_to_display(nib.load(str(d / "mask.nii.gz")))[0].shape
    fn = np.zeros(shape, bool)
    fn.reshape(-1)[:10] = True  # 10 missed voxels somewhere
    report = {"reviewQueue": {"regions": [{"centroidIjk": [0, 0, k], "sliceRange": [0, 4]} for k in range(5)]}}
    r = queue_fn(d, fn, report)
    assert r["fnVoxels"] == 10
    assert r["inTopRanges"] == 10  # every slice is inside the first entry's range
    assert 0 <= r["onTopSlices"] <= 10
    assert queue_fn(d, fn, {"reviewQueue": {"regions": []}}) == {"fnVoxels": 10, "onTopSlices": 0, "inTopRanges": 0}


def test_score_adds_detection_by_lesion_kind_when_the_dataset_has_cases_json(tmp_path: Path) -> None:
    lab, affine = _dataset(tmp_path / "ds")
    _engine_result(tmp_path / "batch", "case_a_0000", lab, affine, lesions=1)
    _engine_result(tmp_path / "batch", "case_b_0000", lab, affine, lesions=1)
    assert "summaryByLesionKind" not in score(tmp_path / "batch", tmp_path / "ds", "yAvg")
    (tmp_path / "ds" / "cases.json").write_text(json.dumps({"cases": [
        {"case": "case_a", "lesions": [{"type": "infarct"}]}, {"case": "case_b", "lesions": [{"type": "hemorrhage"}]}]}))
    s = score(tmp_path / "batch", tmp_path / "ds", "yAvg")["summaryByLesionKind"]
    assert (s["infarct"]["nCasesAll"], s["infarct"]["nFoundAll"], s["infarct"]["nCases"]) == (1, 1, 0)  # 0.018 mL < 2 mL
    assert (s["hemorrhage"]["nCasesAll"], s["none"]["nCases"], s["minTrueMl"]) == (1, 0, 2.0)


def test_voxels_found_by_the_final_mask_and_before_post_processing(tmp_path: Path) -> None:
    """probability.nii.gz as the engine publishes it: kept voxels above the threshold, every voxel post-processing
    removed capped at exactly the threshold, the rest below. `>= threshold` on it is the network's own mask; the line
    says how much of the truth that finds and what post-processing removed (here a 4-voxel false positive and 6
    lesion voxels)."""
    from sdpm.evaluate_engine import voxel_line

    lab, affine = _dataset(tmp_path / "ds")
    final = lab.copy()
    final[4:6] = 0  # 12 of the 24 lesion voxels kept
    prob = np.where(final > 0, 0.7, 0.1).astype(np.float32)
    prob[4:5][lab[4:5] > 0] = 0.3  # 6 lesion voxels the network itself left under the threshold
    prob[5:6][lab[5:6] > 0] = 0.5  # 6 lesion voxels post-processing removed: capped at the threshold
    prob[12:14, 8:10, 0] = 0.5  # a 4-voxel candidate a rule dropped: capped
    _engine_result(tmp_path / "batch", "case_a_0000", final, affine, lesions=1)
    d = next((tmp_path / "batch" / "studies").iterdir())
    _nifti(d / "probability.nii.gz", prob, affine)
    rep = json.loads((d / "report.json").read_text())
    (d / "report.json").write_text(json.dumps({**rep, "settings": {"parameters": {"threshold": 0.5}}}))
    _engine_result(tmp_path / "batch", "case_b_0000", lab, affine, lesions=1)  # no probability file: not counted
    r = score(tmp_path / "batch", tmp_path / "ds", "yAvg")
    by = {row["case"]: row["voxels"] for row in r["cases"]}
    assert by["case_a"] == {"truth": 24, "final": 12, "finalHit": 12, "raw": 22, "rawHit": 18} and by["case_b"] == {}
    line = voxel_line(r["cases"])
    assert line is not None and "(pooled, 1 cases, 24 voxels): final mask 0.500 (precision 1.000)" in line
    assert "before post-processing (despeckle, gate, plausibility rules) 0.750 (precision 0.818)" in line


def test_a_capped_voxel_counts_at_a_threshold_that_float32_rounds(tmp_path: Path) -> None:
    """The cap is the threshold rounded to float32 (0.35 -> 0.3499999940...): it must still count as removed by
    post-processing, not as under the threshold."""
    from sdpm.evaluate_engine import voxel_counts

    affine = np.eye(4)
    d = tmp_path / "s"
    prob = np.full((2, 2, 1), np.float32(0.35), np.float32)
    _nifti(d / "probability.nii.gz", prob, affine)
    t = np.ones((1, 2, 2), bool)
    vc = voxel_counts(d, t, np.zeros_like(t), t, {"settings": {"parameters": {"threshold": 0.35}}})
    assert vc["raw"] == 4 and vc["rawHit"] == 4
