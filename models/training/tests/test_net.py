"""Unet2 (SPEC §1.2): sizes, state_dict layout, pixel-unshuffle order, weight standardisation, wrapper."""
import copy

import pytest
import torch

from sdpm.diffusion import make_schedule
from sdpm.net.unet2 import PixelUnshuffle2, Unet2, count_parameters, fold_weight_standardization
from sdpm.net.wrapper import EpsOnly, SdpmNet
from sdpm.presets import PRESETS, build_unet


def test_paper_preset_parameter_count() -> None:
    n = count_parameters(build_unet("sadpm-paper"))
    print(f"sadpm-paper parameters: {n:,}")
    assert 150e6 < n < 154e6  # spec: ~152 M


def test_compact_presets_are_small_and_have_six_downsamplings() -> None:
    for name in ("compact-s", "compact-m", "tiny-test"):
        u = build_unet(name)
        print(f"{name}: {count_parameters(u):,} parameters")
        assert u.downsample_factor == 64
        assert count_parameters(u) < 5e6
        assert PRESETS[name]["image_size"] % 64 == 0


def test_state_dict_names_follow_the_authors_layout() -> None:
    keys = set(build_unet("tiny-test").state_dict())
    for k in ["init_conv.weight", "time_mlp.1.weight", "time_mlp.3.weight", "downs.0.0.mlp.1.weight",
              "downs.0.0.block1.proj.weight", "downs.0.0.block1.norm.weight", "downs.0.2.fn.norm.g",
              "downs.0.2.fn.fn.to_qkv.weight", "downs.0.2.fn.fn.to_out.0.weight", "downs.0.2.fn.fn.to_out.1.g",
              "downs.0.3.1.weight", "downs.6.3.weight", "mid_block1.block2.proj.weight", "mid_attn.fn.fn.to_qkv.weight",
              "mid_attn.fn.fn.to_out.weight", "ups.0.0.res_conv.weight", "ups.0.3.1.weight", "ups.6.3.weight",
              "ups2.0.0.res_conv.weight", "final_res_block.block1.proj.weight", "final_conv.weight",
              "final_res_block2.block1.proj.weight", "final_conv2.0.weight"]:
        assert k in keys, k


def test_pixel_unshuffle_is_einops_channel_major_order() -> None:
    x = torch.arange(2 * 3 * 4 * 6, dtype=torch.float32).reshape(2, 3, 4, 6)
    y = PixelUnshuffle2()(x)
    assert y.shape == (2, 12, 2, 3)
    # b c (h p1) (w p2) -> b (c p1 p2) h w : out channel c*4 + p1*2 + p2
    for c in range(3):
        for p1 in range(2):
            for p2 in range(2):
                for h in range(2):
                    for w in range(3):
                        assert y[1, c * 4 + p1 * 2 + p2, h, w] == x[1, c, h * 2 + p1, w * 2 + p2]


def test_forward_shapes_and_eps_only_matches() -> None:
    torch.manual_seed(0)
    u = build_unet("tiny-test").eval()
    x = torch.randn(3, 1, 64, 64)
    t = torch.tensor([0, 100, 499])
    with torch.no_grad():
        eps, yt = u(x, t)
        assert eps.shape == yt.shape == (3, 1, 64, 64)
        assert torch.equal(EpsOnly(u)(x, t), eps)


def test_batch_elements_are_independent() -> None:
    torch.manual_seed(1)
    u = build_unet("tiny-test").eval()
    x = torch.randn(2, 1, 64, 64)
    t = torch.tensor([3, 400])
    with torch.no_grad():
        both = u(x, t)[0]
        one = u(x[1:], t[1:])[0]
    assert torch.allclose(both[1:], one, atol=1e-5)


def test_weight_standardisation_folding_is_exact_enough() -> None:
    torch.manual_seed(2)
    u = build_unet("tiny-test").eval()
    f = fold_weight_standardization(copy.deepcopy(u))
    x, t = torch.randn(2, 1, 64, 64), torch.tensor([5, 250])
    with torch.no_grad():
        a, b = u(x, t), f(x, t)
    assert (a[0] - b[0]).abs().max() < 1e-5 and (a[1] - b[1]).abs().max() < 1e-5


def test_y0_hat_closed_form() -> None:
    torch.manual_seed(3)
    s = make_schedule(500)
    net = SdpmNet(build_unet("tiny-test"), s).eval()
    x, t = torch.randn(2, 1, 64, 64), torch.tensor([10, 249])
    with torch.no_grad():
        e, yt, y0 = net(x, t)
    for i, ti in enumerate(t.tolist()):
        ref = (yt[i] - s.sqrt_1mab[ti] * e[i]) / s.sqrt_ab[ti]
        assert torch.allclose(y0[i], ref, atol=1e-6)


def test_image_size_must_be_multiple_of_64() -> None:
    u = build_unet("tiny-test").eval()
    with pytest.raises(RuntimeError):
        u(torch.randn(1, 1, 96, 96), torch.tensor([0]))
