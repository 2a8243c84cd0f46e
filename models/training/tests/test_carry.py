"""sdpm.carry (training slices packed for the GPU machine) and scripts/gpu/train-gpu.sh run on the CPU path."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from data_fixtures import tiny_dataset
from sdpm.carry import CarryDataset, pack, select_slices
from sdpm.checkpoint import folded_checkpoint, save_checkpoint
from sdpm.data.slice_dataset import SliceDataset
from sdpm.preprocessing import PreprocessingConfig
from sdpm.presets import build_unet
from sdpm.train import load_dataset

REPO = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def packed(tmp_path_factory: pytest.TempPathFactory) -> tuple[SliceDataset, Path]:
    tmp = tmp_path_factory.mktemp("carry")
    ds = SliceDataset(tiny_dataset(tmp / "d", n=3, seed=31), image_size=64, cache_dir=tmp / "cache", log=False)
    out = tmp / "train.npz"
    pack(ds, out, max_slices=10_000)
    return ds, out


def test_packed_items_equal_the_slice_cache(packed: tuple[SliceDataset, Path]) -> None:
    ds, out = packed
    c = CarryDataset(out)
    assert len(c) == len(ds) and c.cfg == ds.cfg
    for i in range(len(ds)):
        a, b = ds[i], c[i]
        for k in ("x0n", "y0n", "m", "w"):
            assert b[k].dtype == torch.float32 and b[k].shape == a[k].shape
            assert torch.equal(a[k], b[k]), k  # x0n is float16 in both, the masks are exact bits
        assert (a["case"], a["slice"]) == (b["case"], b["slice"])
    assert np.array_equal(c.has_lesion, ds.has_lesion)
    assert np.allclose(c.sample_weights(0.3), ds.sample_weights(0.3))


def test_selection_keeps_the_lesion_share_and_is_seeded() -> None:
    has = np.array([True] * 30 + [False] * 70)
    a = select_slices(has, 20, 0.5, seed=1)
    assert a.size == 20 and int(has[a].sum()) == 10 and np.array_equal(a, select_slices(has, 20, 0.5, seed=1))
    assert not np.array_equal(a, select_slices(has, 20, 0.5, seed=2))
    b = select_slices(has, 80, 0.5, seed=1)  # 40 lesion slices asked, 30 exist: the lesion-free side takes the room
    assert b.size == 80 and int(has[b].sum()) == 30


def test_an_oversized_or_foreign_file_is_refused_naming_it(packed: tuple[SliceDataset, Path], tmp_path: Path) -> None:
    ds, _ = packed
    big = tmp_path / "big.npz"
    with pytest.raises(ValueError, match=r"big\.npz: .* MiB for \d+ slices is above the 0 MiB a device call carries"):
        pack(ds, big, max_slices=10_000, max_bytes=1000)
    assert not big.exists()
    big.write_bytes(b"an earlier pack")  # a refused pack leaves an earlier file as it was (written aside, renamed)
    with pytest.raises(ValueError, match="above the 0 MiB"):
        pack(ds, big, max_slices=10_000, max_bytes=1000)
    assert big.read_bytes() == b"an earlier pack" and [p.name for p in tmp_path.iterdir()] == ["big.npz"]
    partial = tmp_path / "partial.npz"
    np.savez_compressed(partial, meta=np.frombuffer(b'{"format": 1, "imageSize": 4, "slices": [], '
                                                      b'"preprocessing": {}}', dtype=np.uint8))
    with pytest.raises(ValueError, match=r"partial\.npz: not a training carry file"):
        CarryDataset(partial)
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match=r"junk\.npz: not a training carry file"):
        CarryDataset(junk)


def test_the_trainer_refuses_a_file_packed_with_another_window(packed: tuple[SliceDataset, Path]) -> None:
    _, out = packed
    assert len(load_dataset(f"carry:{out}", 64)) > 0
    with pytest.raises(ValueError, match=r"train\.npz: packed with preprocessing .* this run trains with .*extension"):
        load_dataset(f"carry:{out}", 64, pcfg=PreprocessingConfig(image_size=64, extension=(1.0, 160.0, 1.25)))


def _train_gpu(out: Path, carry: Path, **env: str) -> subprocess.CompletedProcess[str]:
    e = {**os.environ, "OUT": str(out), "CARRY": str(carry), "RUN_DIR": str(out.parent / (out.name + "-run")), "DEVICE": "cpu", "PRESET": "tiny-test", "BATCH": "2",
         "PYTHON": sys.executable, **env}
    return subprocess.run(["bash", str(REPO / "scripts" / "gpu" / "train-gpu.sh")], env=e, capture_output=True, text=True,
                          timeout=300)


def _weights(out: Path) -> dict:
    """The weights a call returned, joined from their parts as scripts/gpu/join-weights.sh does here."""
    r = subprocess.run(["bash", str(REPO / "scripts" / "gpu" / "join-weights.sh"), str(out), str(out / "joined.pt")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert not (out / "weights.pt").exists()  # only parts come back: a returned file must stay under 16 MiB
    return torch.load(out / "joined.pt", map_location="cpu")


def test_train_gpu_script_runs_on_the_cpu_path_and_stops_at_its_budget(packed: tuple[SliceDataset, Path],
                                                                         tmp_path: Path) -> None:
    """The device script's whole path with DEVICE=cpu and a tiny preset: a finished run, and one the budget stops
    (SIGTERM: the trainer saves its checkpoint); both leave the checkpoint and the log in OUT (tiny-test has S = 64,
    as the packed fixture)."""
    _, carry = packed
    r = _train_gpu(tmp_path / "a", carry, STEPS="3")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "a-run" / "checkpoints" / "latest.pt").is_file()
    assert "exit 0 (finished)" in (tmp_path / "a" / "train-gpu.log").read_text()
    w = _weights(tmp_path / "a")
    assert w["step"] == 3 and "ema" in w and "unet" in w and "opt" not in w and (tmp_path / "a" / "log.jsonl").is_file()
    assert w["config"]["lesion_fraction"] == 0.3  # the default (0.3.1's last phase)
    r = _train_gpu(tmp_path / "a", carry, STEPS="5", RESUME="1")  # a second call on the warm machine continues
    assert r.returncode == 0 and "resumed" in r.stdout, r.stderr
    assert _weights(tmp_path / "a")["step"] == 5
    r = _train_gpu(tmp_path / "b", carry, STEPS="1000000", BUDGET_S="25", LESION_FRACTION="0.45")
    assert r.returncode == 0, r.stderr
    log = (tmp_path / "b" / "train-gpu.log").read_text()
    assert "exit 124 (stopped by the budget)" in log and "lesion fraction 0.45" in log, log[-2000:]
    ck = _weights(tmp_path / "b")
    assert 0 < ck["step"] < 1_000_000 and ck["config"]["lesion_fraction"] == 0.45
    r = _train_gpu(tmp_path / "c", tmp_path / "missing.npz")
    assert r.returncode == 2 and "no training slices at" in r.stderr and "missing.npz" in r.stderr


def test_a_window_extension_that_is_not_numbers_is_a_usage_error_naming_it(tmp_path: Path) -> None:
    for mod in ("sdpm.train", "sdpm.carry"):
        extra = ["--steps", "1"] if mod == "sdpm.train" else []
        r = subprocess.run([sys.executable, "-m", mod, "--data", "toy:4", "--out", str(tmp_path / mod), "--window-extension",
                            "1,160,x", *extra], cwd=REPO / "models" / "training", capture_output=True, text=True, timeout=120)
        assert r.returncode == 2 and "--window-extension 1,160,x: expected numbers K,C[,V]" in r.stderr, (mod, r.stderr)
        assert not (tmp_path / mod).exists()


def test_pack_to_fit_shrinks_the_slice_count_until_the_file_fits(packed: tuple[SliceDataset, Path],
                                                                 tmp_path: Path) -> None:
    from sdpm.carry import TooLarge, pack_to_fit

    ds, full = packed
    whole = full.stat().st_size
    out = tmp_path / "fit.npz"
    r = pack_to_fit(ds, out, max_slices=10_000, max_bytes=int(whole * 0.6))
    assert r["bytes"] <= whole * 0.6 and 0 < r["slices"] < len(ds)
    assert len(CarryDataset(out)) == r["slices"]
    again = pack_to_fit(ds, tmp_path / "fit2.npz", max_slices=10_000, max_bytes=int(whole * 0.6))
    assert again["slices"] == r["slices"] and (tmp_path / "fit2.npz").read_bytes() == out.read_bytes()  # seeded
    with pytest.raises(TooLarge, match="above the 0 MiB"):
        pack_to_fit(ds, tmp_path / "none.npz", max_slices=10_000, max_bytes=100, tries=2)
    assert pack_to_fit(ds, tmp_path / "all.npz", max_slices=10_000, max_bytes=whole * 2)["slices"] == len(ds)


def test_join_weights_refuses_a_missing_or_damaged_part(tmp_path: Path) -> None:
    import hashlib

    whole = os.urandom(3000)
    (tmp_path / "weights.pt.sha256").write_text(f"{hashlib.sha256(whole).hexdigest()}  weights.pt\n")
    for i in range(3):
        (tmp_path / f"weights.pt.part-0{i}").write_bytes(whole[i * 1000:(i + 1) * 1000])
    join = lambda: subprocess.run(["bash", str(REPO / "scripts" / "gpu" / "join-weights.sh"), str(tmp_path)],  # noqa: E731
                                  capture_output=True, text=True, timeout=60)
    r = join()
    assert r.returncode == 0 and (tmp_path / "weights.pt").read_bytes() == whole, r.stderr
    (tmp_path / "weights.pt").unlink()
    (tmp_path / "weights.pt.part-01").unlink()
    r = join()
    assert r.returncode == 1 and "2 part(s) join to sha256" in r.stderr and not (tmp_path / "weights.pt").exists()
    for p in tmp_path.glob("weights.pt.part-*"):
        p.unlink()
    r = join()
    assert r.returncode == 2 and "no weights.pt.part-*" in r.stderr


def _run_blocked(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    """python -m MODULE ARGS with nibabel, pydicom, onnx and onnxruntime blocked, as on the GPU machine (PyTorch,
    numpy, scipy, scikit-image only)."""
    code = ("import sys, runpy\n"
            "for m in ('nibabel', 'pydicom', 'onnx', 'onnxruntime'):\n"
            "    sys.modules[m] = None\n"
            "import importlib\n"
            "try:\n"
            "    importlib.import_module('nibabel')\n"
            "    raise SystemExit('the block did not work')\n"
            "except ImportError:\n"
            "    pass\n"
            f"sys.argv = [{module!r}] + sys.argv[1:]\n"
            f"runpy.run_module({module!r}, run_name='__main__')\n")
    return subprocess.run([sys.executable, "-c", code, *args], cwd=REPO / "models" / "training", capture_output=True,
                          text=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO / "models" / "training")})


def test_training_on_a_carry_file_needs_neither_nibabel_nor_pydicom(packed: tuple[SliceDataset, Path],
                                                                     tmp_path: Path) -> None:
    """The GPU machine has neither (nor onnx): sdpm.train on a carry file and sdpm.widen must not import them (here
    they are blocked)."""
    _, carry = packed
    r = _run_blocked("sdpm.train", "--data", f"carry:{carry}", "--preset", "tiny-test", "--device", "cpu",
                     "--out", str(tmp_path / "run"), "--steps", "1", "--batch-size", "2")
    assert r.returncode == 0, r.stderr[-2000:]
    assert (tmp_path / "run" / "checkpoints" / "latest.pt").is_file()
    init = save_checkpoint(folded_checkpoint(build_unet("compact-s").state_dict(), "compact-s", 0, config={},
                                             source="test"), tmp_path / "s.pt")
    r = _run_blocked("sdpm.widen", "--checkpoint", str(init), "--preset", "compact-m", "--out", str(tmp_path / "m.pt"))
    assert r.returncode == 0, r.stderr[-2000:]
    assert (tmp_path / "m.pt").is_file()


def test_a_narrower_warm_start_is_widened_to_the_preset_first(tmp_path: Path) -> None:
    """prepare-train.sh INIT=shipped carries 0.3.1's compact-s weights; with PRESET=compact-m, train-gpu.sh widens them
    (sdpm.widen) and trains the wider network from there (compact-m trains at S = 128: a pack of its own)."""
    ds = SliceDataset(tiny_dataset(tmp_path / "d", n=1, seed=37), image_size=128, cache_dir=tmp_path / "cache",
                      log=False)
    carry = tmp_path / "train128.npz"
    pack(ds, carry, max_slices=10_000)
    torch.manual_seed(0)
    init = save_checkpoint(folded_checkpoint(build_unet("compact-s").state_dict(), "compact-s", 11, config={},
                                             source="test"), tmp_path / "init.pt")
    r = _train_gpu(tmp_path / "w", carry, STEPS="1", PRESET="compact-m", INIT=str(init))
    assert r.returncode == 0, r.stderr
    log = (tmp_path / "w" / "train-gpu.log").read_text()
    assert "(compact-m); largest |source - widened|" in log and "warm start from" in log, log[-2000:]
    w = _weights(tmp_path / "w")
    assert w["preset"] == "compact-m" and w["step"] == 1
    r = _train_gpu(tmp_path / "x", carry, STEPS="1", PRESET="compact-m", INIT=str(tmp_path / "init.pt.missing"))
    assert r.returncode == 2 and "no warm-start checkpoint at" in r.stderr and "init.pt.missing" in r.stderr
