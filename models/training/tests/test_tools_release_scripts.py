"""The release scripts' own checks of their inputs (tools/release-check.sh, tools/release-test.sh,
scripts/gpu/candidate.sh): bad input is refused with a message naming it, before any engine run. Their full runs (engine
on 64-576 cases) are measured by hand and reported in the training README, not repeated in CI."""
from __future__ import annotations

import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]
TOOLS = REPO / "models" / "training" / "tools"


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", *args], capture_output=True, text=True, timeout=60, cwd=REPO)


def test_release_check_refuses_a_folder_that_is_not_a_bundle_and_a_missing_rule(tmp_path: Path) -> None:
    r = _run(str(TOOLS / "release-check.sh"), str(tmp_path), str(tmp_path / "out"))
    assert r.returncode == 2 and f"{tmp_path}: not a model bundle" in r.stderr
    bundle = REPO / "models" / "bundles" / "sdpm-tiny-test"
    r = _run(str(TOOLS / "release-check.sh"), str(bundle), str(tmp_path / "out"), str(tmp_path / "rule.json"))
    assert r.returncode == 2 and "rule.json: no such rule file" in r.stderr
    r = _run(str(TOOLS / "release-check.sh"), str(bundle))
    assert r.returncode == 2 and "usage:" in r.stderr
    assert not (tmp_path / "out").exists()  # nothing was run


def test_release_test_refuses_a_folder_that_is_not_a_bundle(tmp_path: Path) -> None:
    r = _run(str(TOOLS / "release-test.sh"), str(tmp_path), str(tmp_path / "out"))
    assert r.returncode == 2 and "not a model bundle" in r.stderr


def test_candidate_needs_a_rule_written_before_and_real_weights(tmp_path: Path) -> None:
    gpu = REPO / "scripts" / "gpu" / "candidate.sh"
    r = _run(str(gpu), str(tmp_path / "w.pt"), str(tmp_path / "out"), str(tmp_path / "rule.json"))
    assert r.returncode == 2 and "rule.json: no such rule file (write the shipping rule before the run)" in r.stderr
    (tmp_path / "rule.json").write_text("{}")
    r = _run(str(gpu), str(tmp_path / "w.pt"), str(tmp_path / "out"), str(tmp_path / "rule.json"))
    assert r.returncode == 2 and "w.pt: no such weights file" in r.stderr
    (tmp_path / "returned").mkdir()
    r = _run(str(gpu), str(tmp_path / "returned"), str(tmp_path / "out2"), str(tmp_path / "rule.json"))
    assert r.returncode == 2 and "no weights.pt.part-*" in r.stderr


def test_heldout_sets_table_names_each_seed_once() -> None:
    r = subprocess.run(["bash", "-c", f". {TOOLS / 'heldout-sets.sh'}; for s in \"${{HELDOUT_SETS[@]}}\"; do echo $s; done; "
                        "heldout_spec synth-test3-v3; heldout_spec nope"], capture_output=True, text=True, timeout=30)
    rows = [ln.split() for ln in r.stdout.splitlines()]
    sets = rows[:-1]
    assert len(sets) == 7 and len({s[1] for s in sets}) == 7  # seven sets, seven seeds
    assert sum(int(s[2]) for s in sets if "calib" in s[0]) == 384 and sum(int(s[2]) for s in sets if "test" in s[0]) == 192
    assert rows[-1] == ["synth-test3-v3", "2003", "96", "test3"] and "unknown held-out set nope" in r.stderr


def _tiny_training_set(root: Path, names: tuple[str, ...]) -> None:
    import nibabel as nib
    import numpy as np

    rng = np.random.default_rng(0)
    for name in names:
        hu = (30 + 3 * rng.standard_normal((64, 64, 4))).astype(np.int16)
        lab = np.zeros(hu.shape, np.uint8)
        lab[20:30, 20:30, 1:3] = 1
        hu[lab > 0] += 40
        for sub, arr, fn in (("imagesTr", hu, f"{name}_0000.nii.gz"), ("labelsTr", lab, f"{name}.nii.gz")):
            (root / sub).mkdir(parents=True, exist_ok=True)
            nib.save(nib.Nifti1Image(arr, np.diag([0.5, 0.5, 3.0, 1.0])), str(root / sub / fn))


def test_fit_check_runs_the_engine_on_the_first_n_training_cases(tmp_path: Path) -> None:
    """tools/fit-check.sh end to end on a 3-case set with the tiny bundle (about 5 s): the first 2 cases are linked,
    run by the engine at the shipped settings and scored, with the voxel line (truth: 200 lesion voxels a case)."""
    import os

    _tiny_training_set(tmp_path / "ds", ("case_a", "case_b", "case_c"))
    bundle = str(REPO / "models" / "bundles" / "sdpm-tiny-test")
    env = {**os.environ, "TRAIN": str(tmp_path / "ds")}
    r = subprocess.run(["bash", str(TOOLS / "fit-check.sh"), bundle, str(tmp_path / "out"), "2"], capture_output=True,
                       text=True, timeout=180, cwd=REPO, env=env)
    assert r.returncode == 0, r.stderr[-2000:]
    assert sorted(p.name for p in (tmp_path / "out" / "cases" / "imagesTr").iterdir()) == [
        "case_a_0000.nii.gz", "case_b_0000.nii.gz"]
    assert "lesion voxels found (pooled, 2 cases, 400 voxels)" in (tmp_path / "out" / "fit.txt").read_text()
    # refusals, each naming what is wrong, before any engine run
    r = subprocess.run(["bash", str(TOOLS / "fit-check.sh"), bundle, str(tmp_path / "o2"), "0"], capture_output=True,
                       text=True, timeout=60, cwd=REPO, env=env)
    assert r.returncode == 2 and "N: '0' is not a positive number of cases" in r.stderr
    (tmp_path / "ds" / "labelsTr" / "case_a.nii.gz").unlink()
    r = subprocess.run(["bash", str(TOOLS / "fit-check.sh"), bundle, str(tmp_path / "o3")], capture_output=True,
                       text=True, timeout=60, cwd=REPO, env=env)
    assert r.returncode == 2 and "labelsTr/case_a.nii.gz: missing" in r.stderr
    r = subprocess.run(["bash", str(TOOLS / "fit-check.sh"), bundle, str(tmp_path / "o4")], capture_output=True,
                       text=True, timeout=60, cwd=REPO, env={**os.environ, "TRAIN": str(tmp_path)})
    assert r.returncode == 2 and f"{tmp_path}: not a dataset (no imagesTr/)" in r.stderr
    r = _run(str(TOOLS / "fit-check.sh"), str(tmp_path), str(tmp_path / "o5"))
    assert r.returncode == 2 and "not a model bundle" in r.stderr
