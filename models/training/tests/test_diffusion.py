"""Schedule tables (SPEC §1.3) and the schedule.json contract."""
import json
import math

import numpy as np
import pytest
import torch

from sdpm.diffusion import f32_json, make_schedule, sigmoid_beta_schedule


@pytest.fixture(scope="module")
def sched():
    return make_schedule(500)


def test_midpoint_is_half(sched) -> None:
    assert abs(float(sched.alphas_cumprod[249]) - 0.5) < 1e-6
    assert abs(float(sched.alphas_cumprod_f64[249]) - 0.5) < 1e-6


@pytest.mark.parametrize("t,ab,sab,s1m,std", [
    (0, 0.99940, 0.9997, 0.0245, 0.0), (25, 0.9820, 0.991, 0.134, 0.028), (62, 0.9465, 0.973, 0.231, 0.034),
    (249, 0.5000, 0.707, 0.707, 0.081), (499, 6e-7, 8e-4, 1.000, 0.999)])
def test_spec_table(sched, t, ab, sab, s1m, std) -> None:
    assert float(sched.alphas_cumprod[t]) == pytest.approx(ab, rel=5e-4, abs=5e-5 if t < 499 else 5e-8)
    assert float(sched.sqrt_ab[t]) == pytest.approx(sab, abs=5e-4 if t < 499 else 5e-5)
    assert float(sched.sqrt_1mab[t]) == pytest.approx(s1m, abs=5e-4)
    assert float(sched.posterior_std[t]) == pytest.approx(std, abs=5e-4)


def test_betas_first_and_clip(sched) -> None:
    assert float(sched.betas[0]) == pytest.approx(6.0e-4, rel=1e-2)
    assert float(sched.betas[499]) == pytest.approx(0.999, abs=1e-7)
    assert sched.betas.dtype == torch.float32 and sched.betas.shape == (500,)


def test_independent_closed_form(sched) -> None:
    # ab(s) = (sig(3) - sig(6s-3)) / (sig(3) - sig(-3)) renormalised; closed form in float64 without torch.
    sig = lambda v: 1 / (1 + math.exp(-v))  # noqa: E731
    ab = [(sig(3) - sig(6 * (i / 500) - 3)) / (sig(3) - sig(-3)) for i in range(501)]
    ab = [a / ab[0] for a in ab]
    for t in (0, 10, 100, 249, 400, 480):
        assert float(sched.alphas_cumprod[t]) == pytest.approx(ab[t + 1], rel=1e-6)


def test_posterior_coefficients(sched) -> None:
    t = 100
    b, a, ap = (float(v) for v in (sched.betas[t], sched.alphas_cumprod[t], sched.alphas_cumprod_prev[t]))
    assert float(sched.posterior_mean_coef1[t]) == pytest.approx(b * math.sqrt(ap) / (1 - a), rel=1e-5)
    assert float(sched.posterior_mean_coef2[t]) == pytest.approx((1 - ap) * math.sqrt(1 - b) / (1 - a), rel=1e-5)
    assert float(sched.p2_weight[t]) == pytest.approx(1 - a, rel=1e-5)
    assert float(sched.alphas_cumprod_prev[0]) == 1.0


def test_schedule_json_round_trips_float32(sched) -> None:
    js = json.loads(json.dumps(sched.to_json()))
    assert js["formatVersion"] == 1 and js["T"] == 500
    for key, ref in (("alphasCumprod", sched.alphas_cumprod), ("posteriorStd", sched.posterior_std),
                     ("sqrtRecipm1AlphasCumprod", sched.sqrt_recipm1_ab)):
        arr = np.array(js[key], dtype=np.float64).astype(np.float32)
        assert np.array_equal(arr, ref.numpy()), key
    assert f32_json(0.1) == 0.1


def test_schedule_is_float64_computed() -> None:
    assert sigmoid_beta_schedule(500).dtype == torch.float64
