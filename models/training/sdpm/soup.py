"""A weight average ("model soup") of two checkpoints of the same network, written as a checkpoint.

Both inputs must be the same preset with the same parameter names and shapes; in practice one must be a continuation
of the other (same lineage), or the average is meaningless. Each network is first brought to its effective weights
(the EMA weights, as exported; weight-standardised convolutions folded, so a checkpoint recovered from an exported graph
(`sdpm.warm_start`, ``folded``) and a trained one are averaged in the same parametrisation); the result is
``(1 - w) * A + w * B`` and is marked folded, as the exporter expects of such weights. It carries A's config and
records both sources and the weight; A must be a trained checkpoint (a recovered one has no training config).

    python -m sdpm.soup --a work/runs/sdpm-v12/checkpoints/latest.pt --b work/init/shipped.pt --weight-b 0.5 \
        --out work/runs/soup12/soup.pt
"""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Dict

import torch

from .bundle import unet_from_checkpoint
from .checkpoint import folded_checkpoint, load_checkpoint, save_checkpoint
from .net.unet2 import fold_weight_standardization


class SoupError(ValueError):
    pass


def effective_state(ckpt: Dict[str, Any]) -> Dict[str, torch.Tensor]:
    unet, _ = unet_from_checkpoint(ckpt, use_ema=True)
    fold_weight_standardization(unet)
    return {k: v.detach().clone() for k, v in unet.state_dict().items()}


def mix(a: Dict[str, torch.Tensor], b: Dict[str, torch.Tensor], weight_b: float,
        names: tuple[str, str] = ("A", "B")) -> Dict[str, torch.Tensor]:
    if not 0.0 <= weight_b <= 1.0:
        raise SoupError(f"--weight-b {weight_b}: must be between 0 and 1")
    if a.keys() != b.keys():
        only = sorted(set(a) ^ set(b))
        raise SoupError(f"{names[0]} and {names[1]} are different networks: parameters in only one of them: "
                        f"{', '.join(only[:5])}{' ...' if len(only) > 5 else ''}")
    out: Dict[str, torch.Tensor] = {}
    for k in a:
        if a[k].shape != b[k].shape:
            raise SoupError(f"{names[0]} and {names[1]} are different networks: {k} is {tuple(a[k].shape)} "
                            f"in one and {tuple(b[k].shape)} in the other")
        if a[k].is_floating_point():
            out[k] = (1.0 - weight_b) * a[k] + weight_b * b[k]
        elif torch.equal(a[k], b[k]):
            out[k] = a[k].clone()
        else:
            raise SoupError(f"{k}: integer buffers differ between {names[0]} and {names[1]}; cannot average")
    return out


def write_soup(a_path: Path, b_path: Path, weight_b: float, out: Path) -> Dict[str, Any]:
    ca, cb = load_checkpoint(a_path), load_checkpoint(b_path)
    for p, c in ((a_path, ca), (b_path, cb)):
        if "ema" not in c or "preset_config" not in c:
            raise SoupError(f"{p}: not a training checkpoint of this project (no EMA weights or preset)")
    if "steps" not in ca["config"]:
        raise SoupError(f"{a_path}: no training config (recovered from an exported graph?); give it as --b, "
                        "and a trained checkpoint, whose config the average keeps, as --a")
    if ca["preset"] != cb["preset"] or ca["preset_config"] != cb["preset_config"]:
        raise SoupError(f"{a_path} is preset {ca['preset']}, {b_path} is preset {cb['preset']}: cannot average")
    if ca["config"].get("window_extension") != cb["config"].get("window_extension"):
        raise SoupError(f"{a_path} and {b_path} were trained with different input windows: cannot average")
    sd = mix(effective_state(ca), effective_state(cb), weight_b, (str(a_path), str(b_path)))
    step = max(int(ca["step"]), int(cb["step"]))
    source = f"weight average (1 - {weight_b:g}) x {a_path} + {weight_b:g} x {b_path} (EMA weights, convs folded)"
    ckpt = folded_checkpoint(sd, ca["preset"], step, dict(ca["config"], note=source), source,
                             soup={"a": str(a_path), "b": str(b_path), "weightB": weight_b, "stepA": int(ca["step"]),
                                   "stepB": int(cb["step"])},
                             device=cb.get("device", ca.get("device", "cpu")))
    save_checkpoint(ckpt, out)
    return ckpt


def main() -> None:
    ap = argparse.ArgumentParser(description="weight average of two checkpoints of the same network (same lineage)")
    ap.add_argument("--a", required=True, help="first checkpoint, a trained one (its training config is kept)")
    ap.add_argument("--b", required=True, help="second checkpoint")
    ap.add_argument("--weight-b", type=float, default=0.5, help="share of B, 0..1 (default 0.5, the uniform soup)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    try:
        ck = write_soup(Path(a.a), Path(a.b), a.weight_b, Path(a.out))
    except (SoupError, FileNotFoundError) as e:
        ap.exit(2, f"error: {e}\n")
    print(f"wrote {a.out}: {ck['source']}")


if __name__ == "__main__":
    main()
