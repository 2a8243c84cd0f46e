"""Print the loss per t bucket from a training log (log.jsonl), averaged over windows of log lines.

    cd models/training && /usr/bin/python3 -m sdpm.loss_curve work/runs/NAME/log.jsonl --window 20
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np


def main() -> None:
    ap = argparse.ArgumentParser(description="loss per t bucket from a training log")
    ap.add_argument("log")
    ap.add_argument("--window", type=int, default=20, help="log lines per printed row")
    a = ap.parse_args()
    recs = [json.loads(line) for line in Path(a.log).read_text().splitlines() if line.strip()]
    if not recs:
        raise SystemExit(f"{a.log}: no log lines")
    nb = len(recs[0]["loss_by_t_bucket"])
    print(f"{'steps':>13s} {'s/step':>7s} {'loss':>8s} | loss by t bucket ({nb} buckets of T/{nb}, low t first)")
    for i in range(0, len(recs), a.window):
        w = recs[i:i + a.window]
        by = [[r["loss_by_t_bucket"][b] for r in w if r["loss_by_t_bucket"][b] is not None] for b in range(nb)]
        cells = " ".join(f"{np.mean(v):8.4f}" if v else "     n/a" for v in by)
        print(f"{w[0]['step']:>6d}-{w[-1]['step']:<6d} {np.mean([r['s_per_step'] for r in w]):7.2f} "
              f"{np.mean([r['loss'] for r in w]):8.4f} | {cells}")


if __name__ == "__main__":
    main()
