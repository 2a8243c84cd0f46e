"""Times the bundle's network in PyTorch eager (fp32, CPU) on given inputs, for scripts/bench/inference.ts.

Usage: torchEager.py <metadata.json> <x.f32> <S> <threads> <iters> <batch>...
Builds `Unet2` from metadata.json's network config with weight standardisation folded (as in the exported
ONNX graph); weights are freshly initialised, which does not change the cost of a forward pass. Prints JSON:
{"full": {B: ms_per_call}, "eps": {B: ms_per_call}, "torch": version, "threads": n, "device": d}.
Environment TORCH_DEVICE=cuda times it on the GPU (scripts/gpu/cudaCheck.ts; synchronised around each timing).
"""
import json
import os
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "models" / "training"))
from sdpm.diffusion import make_schedule  # noqa: E402
from sdpm.net.unet2 import Unet2, fold_weight_standardization  # noqa: E402
from sdpm.net.wrapper import SdpmNet  # noqa: E402


def main() -> None:
    meta_path, x_path, size, threads, iters = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    batches = [int(b) for b in sys.argv[6:]]
    torch.set_num_threads(threads)
    net_cfg = json.loads(Path(meta_path).read_text())["network"]
    torch.manual_seed(0)
    unet = Unet2(dim=net_cfg["dim"], dim_mults=tuple(net_cfg["dimMults"]), channels=1, attn_heads=net_cfg["attnHeads"],
                 attn_dim_head=net_cfg["attnDimHead"])
    unet = fold_weight_standardization(unet.float().eval())
    dev = torch.device(os.environ.get("TORCH_DEVICE", "cpu"))
    unet = unet.to(dev)
    net = SdpmNet(unet, make_schedule(500)).to(dev).eval()
    xs = torch.from_numpy(np.fromfile(x_path, dtype="<f4").reshape(-1, 1, size, size)).to(dev)
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    out = {"full": {}, "eps": {}, "torch": torch.__version__, "threads": torch.get_num_threads(), "device": str(dev)}
    with torch.no_grad():
        for b in batches:
            x = xs[:b].contiguous()
            t = (torch.arange(b, dtype=torch.int64) * 37 % 500).to(dev)
            for kind, fn in (("full", lambda: net(x, t)), ("eps", lambda: unet.forward_eps(x, t))):
                fn()
                fn()
                sync()
                t0 = time.perf_counter()
                for _ in range(iters):
                    fn()
                sync()
                out[kind][str(b)] = (time.perf_counter() - t0) * 1000 / iters
    print(json.dumps(out))


if __name__ == "__main__":
    main()
