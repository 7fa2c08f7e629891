"""How many real Hugging Face model cards mlgov refuses, and why, against huggingface_hub.

Each card is read twice: as a bundle's ``documentation.model_card`` (the card reader itself)
and as a standalone input (content detection, then the reader). With ``--hub-python`` (a
Python that has ``huggingface_hub``), each card is also parsed by ``ModelCard(text)``: a card
mlgov refuses while huggingface_hub accepts it is *wrongly refused*. Run:

    .venv/bin/python bench/hf_cards.py DIR_OF_CARDS [--hub-python /path/to/python]
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

from mlgov.errors import MlgovError
from mlgov.sources.hf_card import HuggingFaceCard
from mlgov.sources.loader import load
from mlgov.sources.registry import detect

_HUB_SCRIPT = """
import json, sys
from huggingface_hub import ModelCard
out = {}
for path in sys.argv[1:]:
    try:
        ModelCard(open(path, encoding="utf-8").read())
        out[path] = None
    except Exception as exc:
        out[path] = type(exc).__name__ + ": " + " ".join(str(exc).split())[:160]
print(json.dumps(out))
"""


def hub_verdicts(python: str, paths: list[Path]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for i in range(0, len(paths), 500):
        chunk = [str(p) for p in paths[i:i + 500]]
        proc = subprocess.run([python, "-c", _HUB_SCRIPT, *chunk], capture_output=True, text=True, check=True)
        out.update(json.loads(proc.stdout))
    return out


def reason(exc: MlgovError, path: Path) -> str:
    text = exc.one_line().replace(str(path), "CARD")
    text = re.sub(r"'[^']*'", "'…'", text)
    text = re.sub(r"line \d+ column \d+", "line N column M", text)
    return re.sub(r"/\d+", "/N", text)[:150]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("cards", type=Path)
    parser.add_argument("--hub-python")
    parser.add_argument("--show", type=int, default=3, help="example files per reason")
    args = parser.parse_args()
    paths = sorted(p for p in args.cards.rglob("*.md") if p.is_file())
    hub = hub_verdicts(args.hub_python, paths) if args.hub_python else {}
    modes: dict[str, Counter[str]] = {"as bundle model_card": Counter(), "standalone input": Counter()}
    examples: dict[tuple[str, str], list[str]] = {}
    wrong = Counter()
    for path in paths:
        for mode in modes:
            try:
                loaded = load(path, str(path))
                if mode == "standalone input":
                    detect(loaded).read(loaded)
                else:
                    if loaded.syntax != "markdown":
                        raise MlgovError(f"{path}: model card must be a Markdown file")
                    HuggingFaceCard().read(loaded)
                modes[mode]["read"] += 1
            except MlgovError as exc:
                why = reason(exc, path)
                modes[mode][why] += 1
                examples.setdefault((mode, why), []).append(path.name)
                if hub and hub.get(str(path)) is None:
                    wrong[mode] += 1
    total = len(paths)
    hub_refused = sum(1 for v in hub.values() if v)
    print(json.dumps({"cards": total, "huggingface_hub_refuses": hub_refused if hub else "not measured"}))
    for mode, counts in modes.items():
        refused = total - counts["read"]
        line = {"mode": mode, "read": counts["read"], "refused": refused,
                "refused_pct": round(100 * refused / total, 2)}
        if hub:
            line["wrongly_refused"] = wrong[mode]
            line["wrongly_refused_pct"] = round(100 * wrong[mode] / total, 2)
        print(json.dumps(line))
        for why, n in counts.most_common():
            if why != "read":
                print(f"  {n:5d}  {why}   e.g. {', '.join(examples[(mode, why)][:args.show])}")


if __name__ == "__main__":
    sys.exit(main())
