"""Add a measured held-out table and the split-conformal calibration to an EXISTING bundle without
re-exporting its network (the graphs and golden vectors stay byte-identical).

    cd models/training && /usr/bin/python3 -m sdpm.bundle_calibrate --bundle ../bundles/sdpm-synth-compact-s \\
        --test work/eval/test.json --calibration work/eval/calibration.json --key heldOutV3 --title "..." --note "..." \\
        [--detection work/eval/detection.json]

Writes calibration.json, metadata.json (metrics.<key> with the summary tables, metrics.calibration, and the
table text appended to metrics.tableText), MODEL_CARD.md (regenerated from metadata) and SHA256SUMS; with
--detection (sdpm.detection) also detection.json and metrics.detection (the card's "Detection by lesion type").
"""
from __future__ import annotations

import argparse
import io
import json
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

from .bundle import model_card, sha256sums
from .evaluate import print_tables


def table_text(ev: Dict[str, Any], title: str) -> str:
    buf = io.StringIO()
    with redirect_stdout(buf):
        print_tables(ev["summary"], ev["summaryByBackground"], title)
    return buf.getvalue()


def update(bundle: Path, ev: Dict[str, Any], cal: Dict[str, Any], key: str, title: str, note: str,
           detection: Optional[Dict[str, Any]] = None, version: Optional[str] = None, release_note: Optional[str] = None,
           limitations: Sequence[str] = ()) -> Dict[str, Any]:
    """``version`` with its ``release_note`` (both or neither) bumps the bundle's version; ``limitations`` are added
    to metadata.limitations (before "Not for clinical use.", once each)."""
    if (version is None) != (release_note is None):
        raise ValueError("a new version needs its release note, and a release note its version")
    meta = json.loads((bundle / "metadata.json").read_text())
    if version is not None and release_note is not None:
        meta["version"] = version
        meta.setdefault("releaseNotes", {})[version] = release_note
    lims: List[str] = meta.setdefault("limitations", [])
    for lim in limitations:
        if lim not in lims:
            lims.insert(max(0, len(lims) - 1) if lims and lims[-1] == "Not for clinical use." else len(lims), lim)
    metrics = meta.setdefault("metrics", {})
    text = table_text(ev, title)
    metrics[key] = {"note": note, "data": ev["data"], "profile": ev["profile"], "summary": ev["summary"],
                    "byBackground": ev["summaryByBackground"], "geHeadNoLesion": ev.get("geHeadNoLesion"),
                    "tableText": text}
    metrics["calibration"] = cal
    old = str(metrics.get("tableText", ""))
    marker = f"\n--- {key} ---\n"
    metrics["tableText"] = (old.split(marker)[0] if marker in old else old) + marker + text
    (bundle / "calibration.json").write_text(json.dumps(cal, indent=1) + "\n")
    if detection is not None:
        metrics["detection"] = detection
        (bundle / "detection.json").write_text(json.dumps(detection, indent=1) + "\n")
    (bundle / "metadata.json").write_text(json.dumps(meta, indent=1) + "\n")
    (bundle / "MODEL_CARD.md").write_text(model_card(meta))
    sha256sums(bundle)
    return meta


def main(argv: Optional[List[str]] = None) -> None:
    ap = argparse.ArgumentParser(description="add held-out metrics + calibration.json to an existing bundle")
    ap.add_argument("--bundle", required=True)
    ap.add_argument("--test", required=True, help="sdpm.evaluate result JSON (test split)")
    ap.add_argument("--calibration", required=True, help="sdpm.calibration output")
    ap.add_argument("--key", default="heldOutV3")
    ap.add_argument("--title", required=True)
    ap.add_argument("--note", required=True)
    ap.add_argument("--detection", default=None, help="sdpm.detection output (copied in as detection.json)")
    ap.add_argument("--version", default=None, help="new bundle version (with --release-note)")
    ap.add_argument("--release-note", default=None, help="what the new version changes (metadata.releaseNotes, the card)")
    ap.add_argument("--limitation", action="append", default=[], help="a limitation to add to the card (repeatable)")
    a = ap.parse_args(argv)
    ev, cal = json.loads(Path(a.test).read_text()), json.loads(Path(a.calibration).read_text())
    det = json.loads(Path(a.detection).read_text()) if a.detection else None
    try:
        update(Path(a.bundle), ev, cal, a.key, a.title, a.note, det, a.version, a.release_note, a.limitation)
    except ValueError as e:  # --version without --release-note or the reverse (checked before anything is written)
        ap.error(str(e))
    print(table_text(ev, a.title))


if __name__ == "__main__":
    main()
