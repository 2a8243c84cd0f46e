"""Widen a trained network to a wider preset of the same `Unet2` design, keeping what it computes (Net2WiderNet).

    cd models/training && /usr/bin/python3 -m sdpm.widen --checkpoint work/init/shipped.pt --preset compact-m \\
        --out work/init/shipped-m.pt

Issue 10 item 2 names preset width; every wider run so far started from random weights, so a wider network had to
relearn in its budget what 0.3.1 already knows. This writes a compact-m checkpoint whose network computes what the
compact-s source computes, so training (on this CPU, or in one GPU call) continues 0.3.1 with more capacity instead.

Each channel space of the source (a level's features, the time embedding, an attention head's channels) either keeps
its width or doubles; a doubled space holds every source channel twice, side by side (channel j -> 2j and 2j+1). A
layer that reads a doubled space takes its weights from the first copy of each channel and zero from the second, so
its output is exactly the source's; a layer that writes one repeats its rows. This is exact through
  - GroupNorm (8 groups): a group of the doubled space holds the two copies of one source group, same mean and variance;
  - channel LayerNorm and the PreNorm: the same for all channels;
  - weight standardisation: a standardised row with zeros appended still has mean 0 and its variance falls by the
    width ratio, so the row and its bias are scaled by sqrt(ratio), one factor for every row, which the GroupNorm after
    it removes (up to GroupNorm's eps);
  - attention with wider heads (4 x 16 -> 4 x 32 channels): in the linear attention a query softmax over duplicated
    channels halves each share and the scale 1/sqrt(d) changes, which the output projection undoes by sqrt(32/16); in
    the mid attention the logits grow by sqrt(32/16), which the query rows undo.
Not exact: the time embedding. sinusoidal(8) and sinusoidal(16) use different frequencies, so the wider time MLP is
fitted to the source's embedding over t = 0..T-1 (ridge least squares for its first layer, then a few thousand Adam
steps on both layers, about 3 s) and made exact at t = 0 by its last bias; `report` measures what is left at each t
(on 0.3.1: 3e-6 at t = 0, at most 0.03 of outputs up to 3 elsewhere). Training then adapts it. The symmetric copies
are broken by training (they have different outgoing weights), so no noise is added.
"""
from __future__ import annotations

import argparse
import copy
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

import torch
from torch import nn

from .checkpoint import folded_checkpoint, load_checkpoint, save_checkpoint
from .net.unet2 import SinusoidalPosEmb, Unet2, mark_folded
from .presets import PRESETS, build_unet

T_STEPS = 500


@dataclass(frozen=True)
class Space:
    """A channel space of the wider network: for each of its channels, the source channel it copies and whether it
    is that channel's first copy (the one a reading layer takes its weights from)."""

    src: Tuple[int, ...]
    first: Tuple[bool, ...]

    @property
    def n_src(self) -> int:
        return max(self.src) + 1 if self.src else 0

    def __add__(self, other: "Space") -> "Space":  # concatenation along channels (torch.cat, chunk)
        off = self.n_src
        return Space(self.src + tuple(s + off for s in other.src), self.first + other.first)


def space(n_src: int, n_dst: int) -> Space:
    if n_dst == n_src:
        return Space(tuple(range(n_src)), (True,) * n_src)
    if n_dst == 2 * n_src:
        return Space(tuple(j // 2 for j in range(n_dst)), tuple(j % 2 == 0 for j in range(n_dst)))
    raise ValueError(f"widening {n_src} channels to {n_dst}: only the same width or twice it keeps the function")


def heads_space(heads: int, dh_src: int, dh_dst: int) -> Space:
    s = space(dh_src, dh_dst)
    return Space(tuple(h * dh_src + j for h in range(heads) for j in s.src), s.first * heads)


def unshuffled(x: Space) -> Space:
    """The space after PixelUnshuffle2 (channel-major: channel c, offset p -> 4c + p)."""
    return Space(tuple(4 * s + p for s in x.src for p in range(4)), tuple(f for f in x.first for _ in range(4)))


def _map(w: torch.Tensor, out: Space, inp: Space | None) -> torch.Tensor:
    """W'[i', j'] = W[src(i'), src(j')] on first copies of j', 0 on the others (rows repeated for doubled outputs)."""
    w = w[list(out.src)]
    if inp is None:
        return w.clone()
    w = w[:, list(inp.src)]
    mask = torch.tensor(inp.first, dtype=w.dtype).reshape(1, -1, *([1] * (w.dim() - 2)))
    return w * mask


class _Widener:
    def __init__(self, src: Dict[str, torch.Tensor], s_net: Unet2, m_net: Unet2) -> None:
        self.src = src
        self.dst: Dict[str, torch.Tensor] = {}
        hs, hm = s_net.attn_dim_head, m_net.attn_dim_head
        if s_net.attn_heads != m_net.attn_heads or len(s_net.dim_mults) != len(m_net.dim_mults):
            raise ValueError("the wider preset must keep the number of levels and of attention heads")
        self.hidden = heads_space(s_net.attn_heads, hs, hm)
        self.head_ratio = hm / hs
        self.te = space(s_net.dim * 4, m_net.dim * 4)

    def lin(self, key: str, out: Space, inp: Space | None, scale: float = 1.0, bias: bool = True) -> None:
        self.dst[f"{key}.weight"] = _map(self.src[f"{key}.weight"], out, inp) * scale
        if bias:
            self.dst[f"{key}.bias"] = self.src[f"{key}.bias"][list(out.src)].clone()

    def ws(self, key: str, out: Space, inp: Space) -> None:
        """A weight-standardised conv; the source weights are already standardised (folded). Zero columns keep a row's
        mean at 0 and divide its variance by the width ratio, so the row is scaled by sqrt(ratio): it is then as
        standardised as the source row (re-standardising it in training scales it as the source row), and the output,
        bias included, is the source's times that one common factor, which the GroupNorm after it removes."""
        k = math.sqrt(len(inp.src) / inp.n_src)
        self.dst[f"{key}.weight"] = _map(self.src[f"{key}.weight"], out, inp) * k
        self.dst[f"{key}.bias"] = self.src[f"{key}.bias"][list(out.src)] * k

    def per_channel(self, key: str, out: Space) -> None:
        v = self.src[key]
        self.dst[key] = (v[:, list(out.src)] if v.dim() == 4 else v[list(out.src)]).clone()

    def resnet(self, key: str, x: Space, y: Space) -> None:
        self.lin(f"{key}.mlp.1", y + y, self.te)
        for b, inp in (("block1", x), ("block2", y)):
            self.ws(f"{key}.{b}.proj", y, inp)
            self.per_channel(f"{key}.{b}.norm.weight", y)
            self.per_channel(f"{key}.{b}.norm.bias", y)
        if f"{key}.res_conv.weight" in self.src:
            self.lin(f"{key}.res_conv", y, x)

    def linear_attention(self, key: str, x: Space) -> None:  # Residual(PreNorm(LinearAttention))
        self.per_channel(f"{key}.fn.norm.g", x)
        h = self.hidden
        self.lin(f"{key}.fn.fn.to_qkv", h + h + h, x, bias=False)
        self.lin(f"{key}.fn.fn.to_out.0", x, h, scale=math.sqrt(self.head_ratio))
        self.per_channel(f"{key}.fn.fn.to_out.1.g", x)

    def attention(self, key: str, x: Space) -> None:  # Residual(PreNorm(Attention)), mid block
        self.per_channel(f"{key}.fn.norm.g", x)
        h = self.hidden
        w = _map(self.src[f"{key}.fn.fn.to_qkv.weight"], h + h + h, x)
        n = len(h.src)
        w[:n] /= math.sqrt(self.head_ratio)  # the query rows: logits q.k scale by sqrt(ratio) otherwise
        self.dst[f"{key}.fn.fn.to_qkv.weight"] = w
        self.lin(f"{key}.fn.fn.to_out", x, h)


def fit_time_layer(w: torch.Tensor, b: torch.Tensor, dim_src: int, dim_dst: int,
                   ridge: float = 1e-2) -> Tuple[torch.Tensor, torch.Tensor]:
    """First time-MLP layer of the wider net: A sin_dst(t) + c ~= W sin_src(t) + b over t = 0..T-1, exact at t = 0.

    A ridge term keeps A small: the plain least-squares A has entries near 1e7 that cancel, and in float32 that
    cancellation left 0.24 of error at t = 0 (measured on 0.3.1); with ridge 1e-2 the largest entry is about 13, the
    error at t = 0 is 2e-7, and the fit elsewhere is no worse (mean |error| 0.16 against 0.16)."""
    t = torch.arange(T_STEPS)
    f_src = SinusoidalPosEmb(dim_src)(t).double()
    f_dst = SinusoidalPosEmb(dim_dst)(t).double()
    feats = f_dst - f_dst[:1]
    target = (f_src - f_src[:1]) @ w.double().T  # [T, out]
    eye = torch.eye(dim_dst, dtype=torch.float64)
    a = torch.linalg.solve(feats.T @ feats + ridge * eye, feats.T @ target).T  # [out, dim_dst]
    c = b.double() + f_src[0] @ w.double().T - f_dst[0] @ a.T
    return a.float(), c.float()


def _time_mlp(net: Unet2, w: Dict[str, torch.Tensor]) -> nn.Module:
    mlp = copy.deepcopy(net.time_mlp)
    mlp.load_state_dict({k[len("time_mlp."):]: v for k, v in w.items() if k.startswith("time_mlp.")})
    return mlp


def distil_time_mlp(dst: Dict[str, torch.Tensor], src: Dict[str, torch.Tensor], s_net: Unet2, m_net: Unet2,
                    te: Space, steps: int = 3000, seed: int = 0) -> Dict[str, float]:
    """In place: fit the wider time MLP (all its hidden units) to the source's embedding at every t, from the
    least-squares start, then shift its last bias so that t = 0 is exact again (the last layer is affine)."""
    torch.manual_seed(seed)
    t = torch.arange(T_STEPS)
    with torch.no_grad():
        target = _time_mlp(s_net, src)(t)[:, list(te.src)]
    mlp = _time_mlp(m_net, dst)
    weight = torch.ones(T_STEPS, 1)
    weight[0] = 50.0  # the default mode's call
    opt = torch.optim.Adam(mlp.parameters(), lr=3e-3)
    for _ in range(steps):
        opt.zero_grad()
        loss = ((mlp(t) - target).square() * weight).mean()
        loss.backward()
        opt.step()
    with torch.no_grad():
        mlp[3].bias += target[0] - mlp(t[:1])[0]
        err = (mlp(t) - target).abs()
    for k, v in mlp.state_dict().items():
        dst[f"time_mlp.{k}"] = v.detach().clone()
    return {"t0": float(err[0].max()), "max": float(err.max()), "mean": float(err.mean())}


def widen_state(src: Dict[str, torch.Tensor], preset_src: str, preset_dst: str) -> Dict[str, torch.Tensor]:
    """Folded (standardised) weights of `preset_src` -> folded weights of `preset_dst` computing the same function."""
    s_net, m_net = build_unet(preset_src), build_unet(preset_dst)
    wd = _Widener(src, s_net, m_net)
    dims_s = [s_net.dim, *(s_net.dim * m for m in s_net.dim_mults)]
    dims_m = [m_net.dim, *(m_net.dim * m for m in m_net.dim_mults)]
    levels = [space(a, b) for a, b in zip(dims_s, dims_m)]
    one = space(1, 1)
    # time embedding: sinusoid -> Linear -> GELU -> Linear
    th = wd.te
    a, c = fit_time_layer(src["time_mlp.1.weight"], src["time_mlp.1.bias"], s_net.dim, m_net.dim)
    wd.dst["time_mlp.1.weight"] = a[list(th.src)]
    wd.dst["time_mlp.1.bias"] = c[list(th.src)]
    wd.lin("time_mlp.3", wd.te, th)
    distil_time_mlp(wd.dst, src, s_net, m_net, wd.te)
    wd.lin("init_conv", levels[0], one)
    n = len(levels) - 1
    for i in range(n):
        x, y = levels[i], levels[i + 1]
        wd.resnet(f"downs.{i}.0", x, x)
        wd.resnet(f"downs.{i}.1", x, x)
        wd.linear_attention(f"downs.{i}.2", x)
        if i < n - 1:
            wd.lin(f"downs.{i}.3.1", y, unshuffled(x))
        else:
            wd.lin(f"downs.{i}.3", y, x)
    mid = levels[-1]
    wd.resnet("mid_block1", mid, mid)
    wd.attention("mid_attn", mid)
    wd.resnet("mid_block2", mid, mid)
    for dec, final, conv in (("ups", "final_res_block", "final_conv"), ("ups2", "final_res_block2", "final_conv2.0")):
        for ind in range(n):
            k = n - 1 - ind
            x_in, x_out = levels[k], levels[k + 1]
            wd.resnet(f"{dec}.{ind}.0", x_out + x_in, x_out)
            wd.resnet(f"{dec}.{ind}.1", x_out + x_in, x_out)
            wd.linear_attention(f"{dec}.{ind}.2", x_out)
            wd.lin(f"{dec}.{ind}.3.1" if ind < n - 1 else f"{dec}.{ind}.3", x_in, x_out)
        wd.resnet(final, levels[0] + levels[0], levels[0])
        wd.lin(conv, one, levels[0])
    want = m_net.state_dict()
    missing = sorted(set(want) - set(wd.dst))
    extra = sorted(set(wd.dst) - set(want))
    if missing or extra:
        raise AssertionError(f"widen {preset_src}->{preset_dst}: missing {missing[:3]}, unexpected {extra[:3]}")
    for k, v in want.items():
        if tuple(v.shape) != tuple(wd.dst[k].shape):
            raise AssertionError(f"widen: {k} is {tuple(wd.dst[k].shape)}, {preset_dst} needs {tuple(v.shape)}")
    return {k: wd.dst[k].contiguous() for k in want}


def source_weights(sd: Dict[str, Any]) -> Dict[str, torch.Tensor]:
    """The weights a checkpoint's network computes with: EMA weights, standardised as the exporter folds them."""
    from .bundle import unet_from_checkpoint
    from .net.unet2 import fold_weight_standardization

    unet, _ = unet_from_checkpoint(sd, use_ema=True)
    return fold_weight_standardization(unet).state_dict()


def folded_unet(weights: Dict[str, torch.Tensor], preset: str) -> Unet2:
    unet = build_unet(preset)
    unet.load_state_dict(weights)
    return mark_folded(unet).eval()


def report(src_w: Dict[str, torch.Tensor], preset_src: str, dst_w: Dict[str, torch.Tensor], preset_dst: str,
           ts: Sequence[int] = (0, 1, 10, 100, 250, 499), seed: int = 0, size: int = 128) -> List[Dict[str, float]]:
    """Largest |difference| of eps_hat and y_t_hat between source and widened network on random inputs, per t."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(2, 1, size, size, generator=g).clamp(-3, 3) / 3
    a, b = folded_unet(src_w, preset_src), folded_unet(dst_w, preset_dst)
    rows = []
    with torch.no_grad():
        for t in ts:
            tt = torch.full((2,), t, dtype=torch.long)
            (e1, y1), (e2, y2) = a(x, tt), b(x, tt)
            rows.append({"t": t, "eps": float((e1 - e2).abs().max()), "y": float((y1 - y2).abs().max()),
                         "epsScale": float(e1.abs().max()), "yScale": float(y1.abs().max())})
    return rows


def widen_checkpoint(path: Path, preset: str, out: Path) -> List[Dict[str, float]]:
    sd = load_checkpoint(path)
    src_preset = sd["preset"]
    src_w = source_weights(sd)
    dst_w = widen_state(src_w, src_preset, preset)
    save_checkpoint(folded_checkpoint(dst_w, preset, int(sd["step"]),
                                      source=f"{path} ({src_preset}, step {int(sd['step'])}) widened by sdpm.widen",
                                      # the source's trainer config (its window above all) with how it was widened
                                      config=dict(sd.get("config") or {}, note=(
                                          f"{src_preset} weights of {path} widened to {preset} (sdpm.widen: same "
                                          "function at t = 0; time embedding fitted)")),
                                      widenedFrom={"checkpoint": str(path), "preset": src_preset}), out)
    return report(src_w, src_preset, dst_w, preset)


def main() -> None:
    ap = argparse.ArgumentParser(description="widen a checkpoint to a wider preset, keeping its function (--init-from)")
    ap.add_argument("--checkpoint", required=True, help="source checkpoint (sdpm.train, sdpm.warm_start)")
    ap.add_argument("--preset", default="compact-m", choices=sorted(PRESETS))
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rows = widen_checkpoint(Path(a.checkpoint), a.preset, Path(a.out))
    print(f"wrote {a.out} ({a.preset}); largest |source - widened| on random inputs:")
    for r in rows:
        print(f"  t {r['t']:>3}: eps_hat {r['eps']:.2e} (of {r['epsScale']:.2f}), "
              f"y_t_hat {r['y']:.2e} (of {r['yScale']:.2f})")


if __name__ == "__main__":
    main()
