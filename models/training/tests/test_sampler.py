"""Reference sampler on a 2x2 toy with a stub network, against hand/closed-form values computed here
independently (plain Python floats, per pixel), never by calling the sampler's own helpers."""
import math

import pytest
import torch

from sdpm.diffusion import make_schedule
from sdpm.sampler import (CODE_PRESET, PAPER_PRESET, NoiseSource, apply_overrides, despeckle, infer_steps,
                          sample_slice, strided_timesteps)

S = make_schedule(500)
X0 = torch.tensor([[-1.0, 0.2], [0.5, -0.9]])
M = (X0 > -1).float()  # [[0,1],[1,1]]


class Stub:
    """eps_hat = a*x + b, y_t_hat = c*x + e*t/100 + f (per pixel, elementwise), y0_hat from the tables."""

    def __init__(self, a=0.5, b=0.0, c=0.8, e=0.0, f=0.1) -> None:
        self.a, self.b, self.c, self.e, self.f = a, b, c, e, f
        self.calls = []

    def eps(self, x, t):
        self.calls.append(("eps", t.tolist()))
        return self.a * x + self.b

    def __call__(self, x, t):
        self.calls.append(("net", t.tolist()))
        eps = self.a * x + self.b
        yt = self.c * x + (self.e * t.float() / 100).view(-1, 1, 1, 1) + self.f
        y0 = (yt - S.sqrt_1mab[t].view(-1, 1, 1, 1) * eps) / S.sqrt_ab[t].view(-1, 1, 1, 1)
        return eps, yt, y0


def flat(v):
    return [x for row in (v.tolist() if hasattr(v, "tolist") else v) for x in row]


def f(v):
    return float(v)


def clip(v):
    return max(-1.0, min(1.0, v))


def approx2(v, **kw):
    return pytest.approx(flat(v), **kw)


def stub_y0(st, x, t):
    eps = st.a * x + st.b
    yt = st.c * x + st.e * t / 100 + st.f
    return (yt - f(S.sqrt_1mab[t]) * eps) / f(S.sqrt_ab[t])


def test_y_avg_single_literal_values() -> None:
    st = Stub(a=0.0, b=0.0, c=1.0, f=0.3)  # eps = 0, y_t = x + 0.3, y0 = (x + 0.3)/sab_0 at t = 0
    out = sample_slice(st, st.eps, S, X0, M, PAPER_PRESET, modes=("yAvg",))
    sab0 = 0.99969887733  # sqrt(ab_0), ab_0 = 0.99939780
    expect = [[0.0, (0.5 / sab0 + 1) / 2], [(0.8 / sab0 + 1) / 2, (-0.6 / sab0 + 1) / 2]]
    assert flat(out["p_yAvg"]) == approx2(expect, abs=1e-6)
    assert st.calls == [("net", [0])]
    assert out["p_yAvg"][0, 1] == pytest.approx(0.7500753, abs=1e-6)


def sal_reference(st, cfg, eps):
    window, stride, N = cfg["window"], cfg["tStride"], cfg["nSamples"]
    ts = list(range(0, window, stride))
    if cfg["weighting"] == "paper":
        psi = [1 - (t / (window - 1)) ** cfg["nu"] for t in ts]
    else:
        psi = [window - 1 - t for t in ts]
    w = [p / sum(psi) for p in psi]
    qs = []
    for n in range(N):
        q = [[0.0, 0.0], [0.0, 0.0]]
        for i, t in enumerate(ts):
            for r in range(2):
                for c in range(2):
                    m = f(M[r, c])
                    x = (f(S.sqrt_ab[t]) * f(X0[r, c]) + f(S.sqrt_1mab[t]) * f(eps[n, i, r, c])) * m
                    q[r][c] += w[i] * m * (clip(stub_y0(st, x, t)) + 1) / 2
        qs.append(q)
    if cfg["cumsumBug"]:
        coef = [(N - n) / N for n in range(N)]  # sum_j sum_{n<=j} q_n / N
    else:
        coef = [1 / N] * N
    return [[sum(coef[n] * qs[n][r][c] for n in range(N)) for c in range(2)] for r in range(2)]


@pytest.mark.parametrize("base,over", [
    (PAPER_PRESET, {"window": 3, "nSamples": 2}),
    (PAPER_PRESET, {"window": 7, "nSamples": 2, "nu": 2, "tStride": 3}),
    (CODE_PRESET, {"window": 4, "nSamples": 3}),
])
def test_y_sal_matches_closed_form(base, over) -> None:
    cfg = apply_overrides(base, {"ySal": over})
    st = Stub(a=0.3, b=0.05, c=0.9, e=2.0, f=-0.2)
    nt = len(range(0, over["window"], over.get("tStride", 1)))
    eps = torch.randn(over["nSamples"], nt, 2, 2, generator=torch.Generator().manual_seed(5))
    out = sample_slice(st, st.eps, S, X0, M, cfg, modes=("ySal",), noise=NoiseSource(sal_eps=eps))
    assert flat(out["p_ySal"]) == approx2(sal_reference(st, cfg["ySal"], eps), abs=2e-6)


def test_y_sal_paper_window3_literal() -> None:
    # eps_hat = 0 and y_t_hat = sab_t * g(t) => y0_hat = g(t) = -0.5, -0.3, -0.1 for t = 0, 1, 2; psi = 1, 1/2, 0.
    class G(Stub):
        def __call__(self, x, t):
            g = (-0.5 + 0.2 * t.float()).view(-1, 1, 1, 1)
            yt = S.sqrt_ab[t].view(-1, 1, 1, 1) * g * torch.ones_like(x)
            return torch.zeros_like(x), yt, (yt - 0) / S.sqrt_ab[t].view(-1, 1, 1, 1)

    cfg = apply_overrides(PAPER_PRESET, {"ySal": {"window": 3, "nSamples": 2}})
    out = sample_slice(G(), None, S, X0, M, cfg, modes=("ySal",), noise=NoiseSource.seeded(0))
    expect = 2 / 3 * 0.25 + 1 / 3 * 0.35  # = 0.283333
    assert flat(out["p_ySal"]) == approx2([[0, expect], [expect, expect]], abs=1e-6)


def infer_reference(st, cfg, eps0, z):
    """Algorithm 1 per pixel in float64 (independent of the sampler code)."""
    k, N, d = cfg["startIndex"], cfg["nSamples"], cfg["d"]
    compat, nsteps = cfg["codeCompat"], cfg["nSteps"]
    ab = [f(v) for v in S.alphas_cumprod]
    if nsteps is None:
        taus = list(range(k - 1 if compat else k, -1, -1))
    else:
        K = nsteps
        taus = sorted({int(math.floor(k * (K - 1 - i) / (K - 1) + 0.5)) for i in range(K)}, reverse=True)

    def coefs(i, tau):
        if nsteps is None:
            return (f(S.sqrt_recip_ab[tau]), f(S.sqrt_recipm1_ab[tau]), f(S.posterior_mean_coef1[tau]),
                    f(S.posterior_mean_coef2[tau]), f(S.posterior_std[tau]))
        a = ab[tau]
        ap = ab[taus[i + 1]] if i + 1 < len(taus) else 1.0
        beta = 1 - a / ap
        var = beta * (1 - ap) / (1 - a)
        return (math.sqrt(1 / a), math.sqrt(1 / a - 1), beta * math.sqrt(ap) / (1 - a),
                (1 - ap) * math.sqrt(1 - beta) / (1 - a), math.sqrt(max(var, 1e-20)))

    p = [[0.0, 0.0], [0.0, 0.0]]
    for n in range(N):
        for r in range(2):
            for c in range(2):
                m = f(M[r, c])
                x = (f(S.sqrt_ab[k]) * f(X0[r, c]) + f(S.sqrt_1mab[k]) * f(eps0[n, r, c])) * m
                e_init = st.a * x + st.b
                y = (st.c * x + st.e * k / 100 + st.f) * m
                for i, tau in enumerate(taus):
                    e = e_init if (i == 0 and not compat) else st.a * x + st.b
                    sra, srm1, c1, c2, sig = coefs(i, tau)
                    x0h, y0h = clip(sra * x - srm1 * e), clip(sra * y - srm1 * e)
                    zz = f(z[n, i, r, c]) if i < len(taus) - 1 else 0.0
                    x = (c1 * x0h + c2 * x + sig * zz) * m
                    y = (c1 * y0h + c2 * y + d * sig * zz) * m
                p[r][c] += m * (clip(y) + 1) / 2 / N
    return p, taus


@pytest.mark.parametrize("over", [
    {"startIndex": 4, "nSamples": 2, "codeCompat": False, "nSteps": None, "d": 1.0},
    {"startIndex": 4, "nSamples": 3, "codeCompat": True, "nSteps": None, "d": 1.0},
    {"startIndex": 5, "nSamples": 2, "codeCompat": False, "nSteps": 3, "d": 0.5},
    {"startIndex": 249, "nSamples": 1, "codeCompat": False, "nSteps": 6, "d": 1.0},
])
def test_y_infer_matches_closed_form(over) -> None:
    cfg = apply_overrides(PAPER_PRESET, {"yInfer": over})
    st = Stub(a=0.4, b=-0.02, c=0.7, e=1.0, f=0.15)
    ref_probe, taus = infer_reference(st, cfg["yInfer"], torch.zeros(over["nSamples"], 2, 2),
                                      torch.zeros(over["nSamples"], 300, 2, 2))
    g = torch.Generator().manual_seed(11)
    eps0 = torch.randn(over["nSamples"], 2, 2, generator=g)
    z = torch.randn(over["nSamples"], len(taus) - 1, 2, 2, generator=g)
    out = sample_slice(st, st.eps, S, X0, M, cfg, modes=("yInfer",), noise=NoiseSource(infer_eps0=eps0, infer_z=z))
    ref, _ = infer_reference(st, cfg["yInfer"], eps0, z)
    assert flat(out["p_yInfer"]) == approx2(ref, abs=1e-5)
    # call pattern: one full call at k, then eps-only calls (compat: k eps calls; else one per later step)
    k = over["startIndex"]
    assert st.calls[0] == ("net", [k] * over["nSamples"])
    assert [c[1][0] for c in st.calls[1:]] == (list(range(k - 1, -1, -1)) if over["codeCompat"] else taus[1:])


def test_strided_timesteps_round_half_up_and_dedupe() -> None:
    assert strided_timesteps(5, 3) == [5, 3, 0]  # 2.5 rounds up
    assert strided_timesteps(4, 10) == [4, 3, 2, 1, 0]
    assert strided_timesteps(249, 10)[0] == 249 and strided_timesteps(249, 10)[-1] == 0
    assert len(strided_timesteps(249, 10)) == 10


def test_strided_full_length_equals_full_chain() -> None:
    full, strided = infer_steps(S, 20, None), infer_steps(S, 20, 21)
    for a, b in zip(full, strided):
        assert a.t == b.t
        for fa, fb in ((a.c1, b.c1), (a.c2, b.c2), (a.sra, b.sra)):
            assert fb == pytest.approx(fa, rel=1e-4, abs=1e-6)
        if a.t > 0:
            assert b.sig == pytest.approx(a.sig, rel=1e-3)


def test_despeckle_hand_cases() -> None:
    b = torch.zeros(12, 12, dtype=torch.bool)
    b[1, 1] = True  # isolated: removed
    b[6, 6] = b[6, 9] = True  # 3 apart: inside each other's 7x7 window, kept
    b[10, 0] = True  # 4+ from everything: removed
    out = despeckle(b, 7, 1)
    assert out.nonzero().tolist() == [[6, 6], [6, 9]]
    assert despeckle(b, 7, 2).sum() == 0


def test_y_all_union_and_seeded_noise_order() -> None:
    cfg = apply_overrides(PAPER_PRESET, {"ySal": {"window": 3, "nSamples": 2},
                                         "yInfer": {"startIndex": 3, "nSamples": 2},
                                         "despeckle": {"enabled": False, "kernel": 7, "minCount": 1}})
    st = Stub(a=0.4, b=0.0, c=1.2, e=0.0, f=0.2)
    seeded = sample_slice(st, st.eps, S, X0, M, cfg, noise=NoiseSource.seeded(42))
    g = torch.Generator().manual_seed(42)
    sal = torch.randn(2, 3, 2, 2, generator=g)
    e0 = torch.randn(2, 2, 2, generator=g)
    z = torch.randn(2, 3, 2, 2, generator=g)
    inj = sample_slice(st, st.eps, S, X0, M, cfg, noise=NoiseSource(sal_eps=sal, infer_eps0=e0, infer_z=z))
    for k in ("p_yAvg", "p_ySal", "p_yInfer"):
        assert torch.equal(seeded[k], inj[k]), k
    union = (seeded["p_yAvg"] > 0.5) | (seeded["p_ySal"] > 0.5) | (seeded["p_yInfer"] > 0.5)
    assert torch.equal(seeded["mask_yAll"], union)
    assert not bool(seeded["mask_yAll"][0, 0])  # outside the mask


def test_injected_noise_shape_is_checked() -> None:
    cfg = apply_overrides(PAPER_PRESET, {"ySal": {"window": 3, "nSamples": 2}})
    with pytest.raises(ValueError, match="ySal eps"):
        sample_slice(Stub(), None, S, X0, M, cfg, modes=("ySal",), noise=NoiseSource(sal_eps=torch.zeros(2, 2, 2, 2)))
