"""Reference sampler: the four SDPM inference modes per slice (BUNDLE-FORMAT.md § sampler.json, SPEC §3.4).

This is the oracle for the TypeScript engine, so the arithmetic order is fixed and written out:
all maps are float32 torch tensors [S,S]; sums over samples and timesteps run in index order
(n = 0..N-1, t ascending) with a float32 accumulator; `clip` is to [-1,1].

Noise comes from a `NoiseSource`: either injected tensors (the documented order and shapes: ySal
`eps` [N,nT,S,S]; yInfer `eps0` [N,S,S] then `z` [N,steps,S,S]) or a seeded `torch.Generator` that
draws the same shapes in the same order (ySal first, then yInfer, when several modes run).
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional, Tuple

import torch
import torch.nn.functional as F

from .diffusion import Schedule

# net(x [B,1,S,S], t int64 [B]) -> (eps_hat, y_t_hat, y0_hat); eps_net(x, t) -> eps_hat
NetFn = Callable[[torch.Tensor, torch.Tensor], Tuple[torch.Tensor, torch.Tensor, torch.Tensor]]
EpsFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]

PAPER_PRESET: Dict[str, Any] = {
    "yAvg": {"variant": "single"},
    "ySal": {"window": 251, "weighting": "paper", "nu": 1, "nSamples": 100, "cumsumBug": False, "tStride": 1},
    "yInfer": {"startIndex": 249, "nSamples": 50, "d": 1.0, "codeCompat": False, "nSteps": None},
    "yAll": "union", "threshold": 0.5, "despeckle": {"enabled": True, "kernel": 7, "minCount": 1},
}
CODE_PRESET: Dict[str, Any] = {
    "yAvg": {"variant": "code-mean"},
    "ySal": {"window": 62, "weighting": "code-linear", "nu": 1, "nSamples": 30, "cumsumBug": True, "tStride": 1},
    "yInfer": {"startIndex": 25, "nSamples": 60, "d": 1.0, "codeCompat": True, "nSteps": None},
    "yAll": "union", "threshold": 0.5, "despeckle": {"enabled": True, "kernel": 7, "minCount": 1},
}
PRESETS = {"paper": PAPER_PRESET, "code": CODE_PRESET}


def apply_overrides(base: Dict[str, Any], overrides: Dict[str, Any]) -> Dict[str, Any]:
    """Deep-merge `overrides` into a copy of `base` (dicts merge, other values replace)."""
    out = copy.deepcopy(base)
    for k, v in overrides.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = apply_overrides(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


class NoiseSource:
    """Injected tensors, or a seeded generator drawing the same shapes in the same order."""

    def __init__(self, generator: Optional[torch.Generator] = None, sal_eps: Optional[torch.Tensor] = None,
                 infer_eps0: Optional[torch.Tensor] = None, infer_z: Optional[torch.Tensor] = None) -> None:
        self.generator = generator
        self.sal_eps, self.infer_eps0, self.infer_z = sal_eps, infer_eps0, infer_z

    @staticmethod
    def seeded(seed: int) -> "NoiseSource":
        g = torch.Generator().manual_seed(seed)
        return NoiseSource(generator=g)

    def _draw(self, shape: Tuple[int, ...]) -> torch.Tensor:
        if self.generator is None:
            raise ValueError("noise: neither injected nor seeded")
        return torch.randn(shape, generator=self.generator, dtype=torch.float32)

    def sal(self, n: int, nt: int, s: int) -> torch.Tensor:
        e = self.sal_eps if self.sal_eps is not None else self._draw((n, nt, s, s))
        _check(e, (n, nt, s, s), "ySal eps")
        return e

    def infer(self, n: int, steps: int, s: int) -> Tuple[torch.Tensor, torch.Tensor]:
        e0 = self.infer_eps0 if self.infer_eps0 is not None else self._draw((n, s, s))
        z = self.infer_z if self.infer_z is not None else self._draw((n, steps, s, s))
        _check(e0, (n, s, s), "yInfer eps0")
        _check(z, (n, steps, s, s), "yInfer z")
        return e0, z


def _check(t: torch.Tensor, shape: Tuple[int, ...], what: str) -> None:
    if tuple(t.shape) != shape or t.dtype != torch.float32:
        raise ValueError(f"{what}: expected float32 {shape}, got {t.dtype} {tuple(t.shape)}")


def clip1(v: torch.Tensor) -> torch.Tensor:
    return v.clamp(-1.0, 1.0)


def _to_p(v: torch.Tensor, m: torch.Tensor) -> torch.Tensor:
    """m * (clip(v)+1)/2 (all float32; m is 0/1 so the order of the exact operations does not matter)."""
    return m * ((clip1(v) + 1.0) / 2.0)


def _batched_call(net: NetFn, xs: torch.Tensor, ts: torch.Tensor, batch: int) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    outs: List[Tuple[torch.Tensor, torch.Tensor, torch.Tensor]] = []
    for i in range(0, xs.shape[0], batch):
        outs.append(net(xs[i:i + batch], ts[i:i + batch]))
    return tuple(torch.cat([o[k] for o in outs]) for k in range(3))  # type: ignore[return-value]


# ----------------------------------------------------------------------------------------------- modes

def y_avg_single(net: NetFn, x0n: torch.Tensor, m: torch.Tensor) -> torch.Tensor:
    """Paper y_avg: one call net(x0n*m, t=0); p = m*(clip(y0_hat)+1)/2."""
    _, _, y0 = net((x0n * m)[None, None], torch.zeros(1, dtype=torch.int64))
    return _to_p(y0[0, 0], m)


def sal_timesteps_weights(cfg: Dict[str, Any]) -> Tuple[List[int], torch.Tensor]:
    """Used timesteps t = 0, tStride, ... < window and float32 weights w_t = psi_t / sum psi (psi and the
    normalisation in float64, then rounded to float32)."""
    window, stride = int(cfg["window"]), int(cfg.get("tStride", 1))
    if window < 1 or stride < 1:
        raise ValueError(f"ySal: window {window} and tStride {stride} must be >= 1")
    ts = list(range(0, window, stride))
    if cfg["weighting"] == "paper":
        nu = float(cfg["nu"])
        psi = [1.0 - (t / (window - 1)) ** nu if window > 1 else 1.0 for t in ts]
    elif cfg["weighting"] == "code-linear":
        psi = [float(window - 1 - t) if window > 1 else 1.0 for t in ts]
    else:
        raise ValueError(f"ySal: unknown weighting {cfg['weighting']!r}")
    total = sum(psi)
    return ts, torch.tensor([p / total for p in psi], dtype=torch.float64).to(torch.float32)


def y_sal(net: NetFn, sched: Schedule, x0n: torch.Tensor, m: torch.Tensor, cfg: Dict[str, Any], noise: NoiseSource,
          batch: int = 16) -> Tuple[torch.Tensor, Optional[torch.Tensor]]:
    """Returns (p_sal, p_avg_code). p_avg_code is the code-mean y_avg: mean over samples of the t = 0 calls'
    m*(clip(y0_hat)+1)/2 (None when t = 0 is not among the used timesteps, which cannot happen)."""
    S = x0n.shape[-1]
    N = int(cfg["nSamples"])
    ts, w = sal_timesteps_weights(cfg)
    eps = noise.sal(N, len(ts), S)
    t_idx = torch.tensor(ts, dtype=torch.int64)
    sab = sched.sqrt_ab[t_idx].view(1, -1, 1, 1)
    s1m = sched.sqrt_1mab[t_idx].view(1, -1, 1, 1)
    x = (sab * x0n + s1m * eps) * m  # [N, nT, S, S]
    t_all = t_idx.repeat(N)
    _, _, y0 = _batched_call(net, x.reshape(-1, 1, S, S), t_all, batch)
    y0 = y0.reshape(N, len(ts), S, S)
    qs: List[torch.Tensor] = []
    for n in range(N):
        q = torch.zeros(S, S)
        for i in range(len(ts)):
            q = q + w[i] * _to_p(y0[n, i], m)
        qs.append(q)
    if cfg.get("cumsumBug", False):
        acc, total = torch.zeros(S, S), torch.zeros(S, S)
        for q in qs:
            acc = acc + q
            total = total + acc
        p = total / float(N)
    else:
        p = _mean_in_order(qs)
    p_avg_code = _mean_in_order([_to_p(y0[n, 0], m) for n in range(N)]) if ts[0] == 0 else None
    return p, p_avg_code


def _mean_in_order(maps: List[torch.Tensor]) -> torch.Tensor:
    acc = torch.zeros_like(maps[0])
    for q in maps:
        acc = acc + q
    return acc / float(len(maps))


@dataclass
class InferStep:
    t: int
    sra: float
    srm1: float
    c1: float
    c2: float
    sig: float


def strided_timesteps(k: int, n_steps: int) -> List[int]:
    """tau_i = round-half-up(k * (K-1-i)/(K-1)), i = 0..K-1, in exact integer arithmetic, deduplicated
    (descending, tau_0 = k, tau_{K-1} = 0)."""
    K = int(n_steps)
    if K < 2:
        raise ValueError(f"yInfer: nSteps {K} must be >= 2")
    out: List[int] = []
    for i in range(K):
        tau = (2 * k * (K - 1 - i) + (K - 1)) // (2 * (K - 1))
        if not out or out[-1] != tau:
            out.append(tau)
    return out


def infer_steps(sched: Schedule, k: int, n_steps: Optional[int]) -> List[InferStep]:
    """Per-step coefficients for t = k..0 (full chain: the schedule's float32 tables) or for the strided
    chain (computed in float64 from the float32 alphasCumprod table values, then rounded to float32:
    beta' = 1 - ab[tau_i]/ab[tau_{i+1}] with ab[tau_K] := 1; c1 = beta' sqrt(ab_prev)/(1-ab);
    c2 = (1-ab_prev) sqrt(1-beta')/(1-ab); logvar = log(max(beta'(1-ab_prev)/(1-ab), 1e-20)) rounded to
    float32; sig = float32(exp(0.5 * logvar)))."""
    f32 = lambda v: float(torch.tensor(v, dtype=torch.float32))  # noqa: E731
    if n_steps is None:
        return [InferStep(t, float(sched.sqrt_recip_ab[t]), float(sched.sqrt_recipm1_ab[t]),
                          float(sched.posterior_mean_coef1[t]), float(sched.posterior_mean_coef2[t]),
                          float(sched.posterior_std[t])) for t in range(k, -1, -1)]
    import math

    taus = strided_timesteps(k, n_steps)
    ab32 = sched.alphas_cumprod
    steps: List[InferStep] = []
    for i, tau in enumerate(taus):
        ab = float(ab32[tau])
        ab_prev = float(ab32[taus[i + 1]]) if i + 1 < len(taus) else 1.0
        beta = 1.0 - ab / ab_prev
        c1 = beta * math.sqrt(ab_prev) / (1.0 - ab)
        c2 = (1.0 - ab_prev) * math.sqrt(1.0 - beta) / (1.0 - ab)
        var = beta * (1.0 - ab_prev) / (1.0 - ab)
        logvar = f32(math.log(max(var, 1e-20)))
        steps.append(InferStep(tau, f32(math.sqrt(1.0 / ab)), f32(math.sqrt(1.0 / ab - 1.0)), f32(c1), f32(c2),
                               f32(math.exp(0.5 * logvar))))
    return steps


def n_infer_noise_steps(cfg: Dict[str, Any]) -> int:
    """Number of z draws per sample: one per chain step except the last (t = 0)."""
    k = int(cfg["startIndex"])
    if cfg.get("codeCompat", False):
        return max(k - 1, 0)
    if cfg.get("nSteps") is not None:
        return len(strided_timesteps(k, int(cfg["nSteps"]))) - 1
    return k


def y_infer(net: NetFn, eps_net: EpsFn, sched: Schedule, x0n: torch.Tensor, m: torch.Tensor, cfg: Dict[str, Any],
            noise: NoiseSource) -> torch.Tensor:
    """Algorithm 1 (off-by-one fixed), or the code-compatible chain (`codeCompat`), with N samples batched."""
    S = x0n.shape[-1]
    N, k, d = int(cfg["nSamples"]), int(cfg["startIndex"]), float(cfg.get("d", 1.0))
    compat = bool(cfg.get("codeCompat", False))
    if compat and cfg.get("nSteps") is not None:
        raise ValueError("yInfer: codeCompat and nSteps cannot be combined")
    eps0, z = noise.infer(N, n_infer_noise_steps(cfg), S)
    x = (sched.sqrt_ab[k] * x0n + sched.sqrt_1mab[k] * eps0) * m  # [N,S,S]
    eps_hat, y_t_hat, _ = net(x[:, None], torch.full((N,), k, dtype=torch.int64))
    y = y_t_hat[:, 0] * m
    if compat:
        steps = infer_steps(sched, k - 1, None) if k >= 1 else []
    else:
        steps = infer_steps(sched, k, cfg.get("nSteps"))
    for i, st in enumerate(steps):
        if compat or i > 0:
            eps_hat = eps_net(x[:, None], torch.full((N,), st.t, dtype=torch.int64))
        e = eps_hat[:, 0]
        x0h = clip1(st.sra * x - st.srm1 * e)
        y0h = clip1(st.sra * y - st.srm1 * e)
        last = i == len(steps) - 1
        if last:  # z = 0 at t = 0
            x = (st.c1 * x0h + st.c2 * x) * m
            y = (st.c1 * y0h + st.c2 * y) * m
        else:
            zi = z[:, i]
            x = (st.c1 * x0h + st.c2 * x + st.sig * zi) * m
            y = (st.c1 * y0h + st.c2 * y + (d * st.sig) * zi) * m
    return _mean_in_order([_to_p(y[n], m) for n in range(N)])


# ----------------------------------------------------------------------------------------- post-process

def despeckle(b: torch.Tensor, kernel: int = 7, min_count: int = 1) -> torch.Tensor:
    """Keep a foreground pixel when the count of foreground in its kernel x kernel zero-padded window
    (itself included) is > min_count. b: bool [S,S]."""
    f = b.to(torch.float32)[None, None]
    c = F.conv2d(f, torch.ones(1, 1, kernel, kernel), padding=kernel // 2)[0, 0]
    return b & (c > min_count)


def binarise(p: torch.Tensor, cfg: Dict[str, Any]) -> torch.Tensor:
    b = p > float(cfg["threshold"])
    ds = cfg.get("despeckle", {"enabled": False})
    if ds.get("enabled", False):
        b = despeckle(b, int(ds["kernel"]), int(ds["minCount"]))
    return b


MODES = ("yAvg", "ySal", "yInfer", "yAll")


def sample_slice(net: NetFn, eps_net: EpsFn, sched: Schedule, x0n: torch.Tensor, m: torch.Tensor,
                 cfg: Dict[str, Any], modes: Tuple[str, ...] = MODES, noise: Optional[NoiseSource] = None,
                 batch: int = 16) -> Dict[str, torch.Tensor]:
    """Run the requested modes on one slice. Returns {"p_<mode>": float32 [S,S], "mask_<mode>": bool [S,S]}
    (yAll has a p map only for the 'mean' rule). Noise order: ySal first, then yInfer."""
    noise = noise or NoiseSource.seeded(0)
    need = set(modes)
    if "yAll" in need:
        need |= {"yAvg", "ySal", "yInfer"}
    out: Dict[str, torch.Tensor] = {}
    with torch.no_grad():
        p_sal = p_avg_code = None
        if "ySal" in need or ("yAvg" in need and cfg["yAvg"]["variant"] == "code-mean"):
            p_sal, p_avg_code = y_sal(net, sched, x0n, m, cfg["ySal"], noise, batch)
        if "ySal" in need:
            out["p_ySal"] = p_sal  # type: ignore[assignment]
        if "yAvg" in need:
            variant = cfg["yAvg"]["variant"]
            if variant == "single":
                out["p_yAvg"] = y_avg_single(net, x0n, m)
            elif variant == "code-mean":
                out["p_yAvg"] = p_avg_code  # type: ignore[assignment]
            else:
                raise ValueError(f"yAvg: unknown variant {variant!r}")
        if "yInfer" in need:
            out["p_yInfer"] = y_infer(net, eps_net, sched, x0n, m, cfg["yInfer"], noise)
    for mode in ("yAvg", "ySal", "yInfer"):
        if f"p_{mode}" in out:
            out[f"mask_{mode}"] = binarise(out[f"p_{mode}"], cfg)
    if "yAll" in need:
        if cfg["yAll"] == "union":
            out["mask_yAll"] = out["mask_yAvg"] | out["mask_ySal"] | out["mask_yInfer"]
        elif cfg["yAll"] == "mean":
            out["p_yAll"] = (out["p_yAvg"] + out["p_ySal"] + out["p_yInfer"]) / 3.0
            out["mask_yAll"] = binarise(out["p_yAll"], cfg)
        else:
            raise ValueError(f"yAll: unknown rule {cfg['yAll']!r}")
    return {k: v for k, v in out.items() if k.split("_", 1)[1] in modes}


class TorchNet:
    """Adapts an `SdpmNet` (and its Unet2) to NetFn / EpsFn."""

    def __init__(self, sdpm_net: torch.nn.Module) -> None:
        self.net = sdpm_net.eval()

    def __call__(self, x: torch.Tensor, t: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        with torch.no_grad():
            return self.net(x, t)

    def eps(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        with torch.no_grad():
            return self.net.unet.forward_eps(x, t)
