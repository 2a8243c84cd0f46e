"""sdpm.quantize: per-channel weight quantization and the rewritten graph (runs in onnxruntime-node, close to fp32)."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import onnx
import pytest

from sdpm.export import ort_run
from sdpm.quantize import W_ZERO_POINT, quantize_model, quantize_weight

TINY = Path(__file__).resolve().parents[2] / "bundles" / "sdpm-tiny-test"


def test_quantize_weight_per_channel_error_within_half_step() -> None:
    rng = np.random.default_rng(0)
    w = rng.normal(size=(4, 3, 3, 3)).astype(np.float32) * np.array([1e-3, 1.0, 10.0, 0.0], dtype=np.float32)[:, None, None, None]
    q, scale = quantize_weight(w)
    assert q.dtype == np.uint8 and scale.shape == (4,)
    back = (q.astype(np.float32) - W_ZERO_POINT) * scale[:, None, None, None]
    for c in range(4):
        assert np.abs(back[c] - w[c]).max() <= scale[c] / 2 + 1e-9
    assert np.all(q[3] == W_ZERO_POINT)  # an all-zero channel stays exactly zero


def test_quantized_graph_is_valid_keeps_the_stem_and_matches_fp32_closely(tmp_path: Path) -> None:
    if shutil.which("node") is None:
        pytest.skip("node not found: the graph runs in onnxruntime-node")
    src = TINY / "sdpm_eps.onnx"
    model, n = quantize_model(onnx.load(str(src)))
    convs = [x for x in model.graph.node if x.op_type == "Conv"]
    ints = [x for x in model.graph.node if x.op_type == "ConvInteger"]
    assert n == len(ints) > 0
    assert len(convs) >= 1  # the 1-channel stem reads the image and stays fp32
    dst = tmp_path / "eps_int8.onnx"
    onnx.save(model, str(dst))
    rng = np.random.default_rng(1)
    s = 64
    x = np.clip(rng.normal(scale=0.5, size=(2, 1, s, s)), -1, 1).astype(np.float32)
    t = np.array([10, 400], dtype=np.int64)
    ref = ort_run(src, {"x_t": x, "t": t})["eps_hat"]
    got = ort_run(dst, {"x_t": x, "t": t})["eps_hat"]
    assert got.shape == ref.shape
    err = np.abs(got - ref)
    assert not np.array_equal(got, ref)  # it really is another graph
    assert err.mean() < 0.02 * np.abs(ref).mean() + 1e-3, (err.mean(), np.abs(ref).mean())
