"""`Unet2`: the SADPM network (SPEC §1.2), reimplemented without einops.

Faithful to the authors' released `Unet2` (lucidrains `denoising_diffusion_pytorch` U-Net with a second
decoder), with one deliberate, mathematically identical change: the authors run `init_conv` and the
shared encoder twice on the same input (two bit-identical "streams"); here the encoder runs once and
feeds both decoders (`ups` -> eps_hat, `ups2` -> y_t_hat). The state_dict layout is kept
(`init_conv`, `time_mlp.{1,3}`, `downs.i.{0,1,2,3}`, `mid_block1`, `mid_attn`, `mid_block2`, `ups`,
`ups2`, `final_res_block{,2}`, `final_conv`, `final_conv2.0`), so the authors' checkpoints load.

einops `rearrange` is replaced by reshape/permute with a `-1` batch so the traced ONNX graph keeps a
dynamic batch axis. The downsample is `b c (h p1) (w p2) -> b (c p1 p2) h w` (NOT ONNX SpaceToDepth
channel order).
"""
from __future__ import annotations

import math
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import nn


def _ws_eps(dtype: torch.dtype) -> float:
    # The authors' code switches eps by dtype (1e-5 fp32, 1e-3 otherwise); never trace in fp16.
    return 1e-5 if dtype == torch.float32 else 1e-3


def standardize_weight(weight: torch.Tensor) -> torch.Tensor:
    """Weight standardisation per output channel (biased variance), as `WeightStandardizedConv2d`."""
    eps = _ws_eps(weight.dtype)
    mean = weight.mean(dim=(1, 2, 3), keepdim=True)
    var = weight.var(dim=(1, 2, 3), unbiased=False, keepdim=True)
    return (weight - mean) * (var + eps).rsqrt()


class WeightStandardizedConv2d(nn.Conv2d):
    """Conv2d whose weight is standardised on every forward. `folded=True` (set by the exporter after
    it replaced `weight` by the standardised weight) makes it a plain conv."""

    folded: bool = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # type: ignore[override]
        w = self.weight if self.folded else standardize_weight(self.weight)
        return F.conv2d(x, w, self.bias, self.stride, self.padding, self.dilation, self.groups)


class LayerNorm(nn.Module):
    """Channel LayerNorm (over dim 1) with gain `g` [1,C,1,1], no bias; eps 1e-5 in fp32."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.g = nn.Parameter(torch.ones(1, dim, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        eps = _ws_eps(x.dtype)
        var = torch.var(x, dim=1, unbiased=False, keepdim=True)
        mean = torch.mean(x, dim=1, keepdim=True)
        return (x - mean) * (var + eps).rsqrt() * self.g


class PreNorm(nn.Module):
    def __init__(self, dim: int, fn: nn.Module) -> None:
        super().__init__()
        self.fn = fn
        self.norm = LayerNorm(dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fn(self.norm(x))


class Residual(nn.Module):
    def __init__(self, fn: nn.Module) -> None:
        super().__init__()
        self.fn = fn

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fn(x) + x


class PixelUnshuffle2(nn.Module):
    """`b c (h p1) (w p2) -> b (c p1 p2) h w`, p1 = p2 = 2 (einops order: channel-major)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, c, h, w = x.shape
        x = x.reshape(-1, c, h // 2, 2, w // 2, 2)
        x = x.permute(0, 1, 3, 5, 2, 4)
        return x.reshape(-1, c * 4, h // 2, w // 2)


def downsample(dim: int, dim_out: int) -> nn.Sequential:
    return nn.Sequential(PixelUnshuffle2(), nn.Conv2d(dim * 4, dim_out, 1))


def upsample(dim: int, dim_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(dim, dim_out, 3, padding=1))


class SinusoidalPosEmb(nn.Module):
    """Half sin / half cos of the (float) timestep, base 10000, as lucidrains."""

    def __init__(self, dim: int) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        half = self.dim // 2
        scale = math.log(10000) / (half - 1)
        freqs = torch.exp(torch.arange(half, device=t.device, dtype=torch.float32) * -scale)
        emb = t.to(torch.float32)[:, None] * freqs[None, :]
        return torch.cat((emb.sin(), emb.cos()), dim=-1)


class Block(nn.Module):
    def __init__(self, dim: int, dim_out: int, groups: int = 8) -> None:
        super().__init__()
        self.proj = WeightStandardizedConv2d(dim, dim_out, 3, padding=1)
        self.norm = nn.GroupNorm(groups, dim_out)
        self.act = nn.SiLU()

    def forward(self, x: torch.Tensor, scale_shift: Optional[Tuple[torch.Tensor, torch.Tensor]] = None) -> torch.Tensor:
        x = self.norm(self.proj(x))
        if scale_shift is not None:
            scale, shift = scale_shift
            x = x * (scale + 1) + shift
        return self.act(x)


class ResnetBlock(nn.Module):
    def __init__(self, dim: int, dim_out: int, *, time_emb_dim: int, groups: int = 8) -> None:
        super().__init__()
        self.mlp = nn.Sequential(nn.SiLU(), nn.Linear(time_emb_dim, dim_out * 2))
        self.block1 = Block(dim, dim_out, groups=groups)
        self.block2 = Block(dim_out, dim_out, groups=groups)
        self.res_conv: nn.Module = nn.Conv2d(dim, dim_out, 1) if dim != dim_out else nn.Identity()

    def forward(self, x: torch.Tensor, time_emb: torch.Tensor) -> torch.Tensor:
        te = self.mlp(time_emb)[:, :, None, None]
        scale, shift = te.chunk(2, dim=1)
        h = self.block1(x, scale_shift=(scale, shift))
        h = self.block2(h)
        return h + self.res_conv(x)


class LinearAttention(nn.Module):
    """4 heads x 32; q softmax over channels, k softmax over positions, v / (h*w); out conv + LayerNorm.

    The two contractions are the authors' einsums ("bhdn,bhen->bhde", then "bhde,bhdn->bhen") written as
    two torch.bmm on [b*heads, d, n] views (same arithmetic; identical losses in `sdpm.bench_train`). A first,
    cold profile under heavy load showed the einsum's bmm at ~50 % of a step; warm, alternating measurements
    showed no difference, so this is kept for the cleaner graph, not as a speed-up. `einsum_reference`
    (class switch, used by the benchmark and a test) runs the einsum form."""

    einsum_reference: bool = False

    def __init__(self, dim: int, heads: int = 4, dim_head: int = 32) -> None:
        super().__init__()
        self.scale = dim_head ** -0.5
        self.heads = heads
        self.dim_head = dim_head
        hidden = dim_head * heads
        self.to_qkv = nn.Conv2d(dim, hidden * 3, 1, bias=False)
        self.to_out = nn.Sequential(nn.Conv2d(hidden, dim, 1), LayerNorm(dim))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, _, h, w = x.shape
        q, k, v = (t.reshape(-1, self.heads, self.dim_head, h * w) for t in self.to_qkv(x).chunk(3, dim=1))
        q = q.softmax(dim=-2) * self.scale
        k = k.softmax(dim=-1)
        v = v / (h * w)
        if self.einsum_reference:
            context = torch.einsum("bhdn,bhen->bhde", k, v)
            out = torch.einsum("bhde,bhdn->bhen", context, q).reshape(-1, self.heads * self.dim_head, h, w)
            return self.to_out(out)
        d, n = self.dim_head, h * w
        context = torch.bmm(k.reshape(-1, d, n), v.reshape(-1, d, n).transpose(1, 2))  # [b*h, d, e]
        out = torch.bmm(context.transpose(1, 2), q.reshape(-1, d, n))  # [b*h, e, n]
        out = out.reshape(-1, self.heads * self.dim_head, h, w)
        return self.to_out(out)


class Attention(nn.Module):
    """Full softmax attention, 4 heads x 32 (mid block only)."""

    def __init__(self, dim: int, heads: int = 4, dim_head: int = 32) -> None:
        super().__init__()
        self.scale = dim_head ** -0.5
        self.heads = heads
        self.dim_head = dim_head
        hidden = dim_head * heads
        self.to_qkv = nn.Conv2d(dim, hidden * 3, 1, bias=False)
        self.to_out = nn.Conv2d(hidden, dim, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        _, _, h, w = x.shape
        q, k, v = (t.reshape(-1, self.heads, self.dim_head, h * w) for t in self.to_qkv(x).chunk(3, dim=1))
        q = q * self.scale
        sim = torch.einsum("bhdi,bhdj->bhij", q, k)
        attn = sim.softmax(dim=-1)
        out = torch.einsum("bhij,bhdj->bhid", attn, v)  # b h (x y) d
        out = out.permute(0, 1, 3, 2).reshape(-1, self.heads * self.dim_head, h, w)
        return self.to_out(out)


def _decoder(in_out: Sequence[Tuple[int, int]], time_dim: int, groups: int, heads: int, dim_head: int) -> nn.ModuleList:
    ups = nn.ModuleList([])
    for ind, (dim_in, dim_out) in enumerate(reversed(in_out)):
        is_last = ind == len(in_out) - 1
        ups.append(
            nn.ModuleList(
                [
                    ResnetBlock(dim_out + dim_in, dim_out, time_emb_dim=time_dim, groups=groups),
                    ResnetBlock(dim_out + dim_in, dim_out, time_emb_dim=time_dim, groups=groups),
                    Residual(PreNorm(dim_out, LinearAttention(dim_out, heads, dim_head))),
                    upsample(dim_out, dim_in) if not is_last else nn.Conv2d(dim_out, dim_in, 3, padding=1),
                ]
            )
        )
    return ups


class Unet2(nn.Module):
    """Shared encoder + mid, two decoders. `forward(x_t, t) -> (eps_hat, y_t_hat)`, both [B,1,S,S].

    x_t: float32 [B,1,S,S] (masked, [-1,1] scale); t: int64 [B] 0-based timestep. S must be a multiple of
    2**(len(dim_mults)-1).
    """

    def __init__(self, dim: int = 32, dim_mults: Sequence[int] = (2, 4, 4, 8, 16, 16, 16), channels: int = 1,
                 resnet_block_groups: int = 8, attn_heads: int = 4, attn_dim_head: int = 32) -> None:
        super().__init__()
        self.dim = dim
        self.dim_mults = tuple(dim_mults)
        self.channels = channels
        self.attn_heads = attn_heads
        self.attn_dim_head = attn_dim_head
        hd = (attn_heads, attn_dim_head)
        groups = resnet_block_groups
        self.init_conv = nn.Conv2d(channels, dim, 7, padding=3)
        dims = [dim, *(dim * m for m in dim_mults)]
        in_out = list(zip(dims[:-1], dims[1:]))
        time_dim = dim * 4
        self.time_mlp = nn.Sequential(SinusoidalPosEmb(dim), nn.Linear(dim, time_dim), nn.GELU(),
                                      nn.Linear(time_dim, time_dim))
        self.downs = nn.ModuleList([])
        for ind, (dim_in, dim_out) in enumerate(in_out):
            is_last = ind >= len(in_out) - 1
            self.downs.append(
                nn.ModuleList(
                    [
                        ResnetBlock(dim_in, dim_in, time_emb_dim=time_dim, groups=groups),
                        ResnetBlock(dim_in, dim_in, time_emb_dim=time_dim, groups=groups),
                        Residual(PreNorm(dim_in, LinearAttention(dim_in, *hd))),
                        downsample(dim_in, dim_out) if not is_last else nn.Conv2d(dim_in, dim_out, 3, padding=1),
                    ]
                )
            )
        mid = dims[-1]
        self.mid_block1 = ResnetBlock(mid, mid, time_emb_dim=time_dim, groups=groups)
        self.mid_attn = Residual(PreNorm(mid, Attention(mid, *hd)))
        self.mid_block2 = ResnetBlock(mid, mid, time_emb_dim=time_dim, groups=groups)
        self.ups = _decoder(in_out, time_dim, groups, *hd)
        self.final_res_block = ResnetBlock(dim * 2, dim, time_emb_dim=time_dim, groups=groups)
        self.final_conv = nn.Conv2d(dim, channels, 1)
        self.ups2 = _decoder(in_out, time_dim, groups, *hd)
        self.final_res_block2 = ResnetBlock(dim * 2, dim, time_emb_dim=time_dim, groups=groups)
        self.final_conv2 = nn.Sequential(nn.Conv2d(dim, channels, 1))

    @property
    def downsample_factor(self) -> int:
        return 2 ** (len(self.dim_mults) - 1)

    def encode(self, x: torch.Tensor, t: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor, List[torch.Tensor]]:
        x = self.init_conv(x)
        r = x
        te = self.time_mlp(t)
        h: List[torch.Tensor] = []
        for block1, block2, attn, down in self.downs:  # type: ignore[misc]
            x = block1(x, te)
            h.append(x)
            x = attn(block2(x, te))
            h.append(x)
            x = down(x)
        x = self.mid_block1(x, te)
        x = self.mid_attn(x)
        x = self.mid_block2(x, te)
        return x, r, te, h

    @staticmethod
    def _decode(ups: nn.ModuleList, final_res: nn.Module, final_conv: nn.Module, x: torch.Tensor, r: torch.Tensor,
                te: torch.Tensor, skips: List[torch.Tensor]) -> torch.Tensor:
        h = list(skips)
        for block1, block2, attn, up in ups:  # type: ignore[misc]
            x = block1(torch.cat((x, h.pop()), dim=1), te)
            x = block2(torch.cat((x, h.pop()), dim=1), te)
            x = up(attn(x))
        x = final_res(torch.cat((x, r), dim=1), te)
        return final_conv(x)

    def forward_eps(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        mid, r, te, h = self.encode(x, t)
        return self._decode(self.ups, self.final_res_block, self.final_conv, mid, r, te, h)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        mid, r, te, h = self.encode(x, t)
        eps = self._decode(self.ups, self.final_res_block, self.final_conv, mid, r, te, h)
        y_t = self._decode(self.ups2, self.final_res_block2, self.final_conv2, mid, r, te, h)
        return eps, y_t


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def mark_folded(model: nn.Module) -> nn.Module:
    """In place: mark every WeightStandardizedConv2d as folded without touching its weight, for weights that are
    already standardised (recovered from an exported graph, or written by sdpm.warm_start, sdpm.soup, sdpm.widen)."""
    for mod in model.modules():
        if isinstance(mod, WeightStandardizedConv2d):
            mod.folded = True
    return model


def fold_weight_standardization(model: nn.Module) -> nn.Module:
    """In place: replace every WeightStandardizedConv2d weight by its standardised weight and mark it folded
    (used on a deep copy for export; the graph then holds plain convs)."""
    with torch.no_grad():
        for mod in model.modules():
            if isinstance(mod, WeightStandardizedConv2d) and not mod.folded:
                mod.weight.copy_(standardize_weight(mod.weight))
                mod.folded = True
    return model
