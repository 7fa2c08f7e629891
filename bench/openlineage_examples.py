"""Normalize every OpenLineage run event in a checkout of the OpenLineage repository.

Files that are test *templates* (matchers such as ``{{ is_datetime(result) }}`` or
``${json-unit.any-string}`` in place of values) are counted apart: they are not events.
Run (the repository is not shipped):

    .venv/bin/python bench/openlineage_examples.py PATH/TO/OpenLineage
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from mlgov.errors import MlgovError
from mlgov.normalize import normalize


def is_event(value: object) -> bool:
    return isinstance(value, dict) and "eventTime" in value and isinstance(value.get("run"), dict) \
        and isinstance(value.get("job"), dict)


def main(root: Path) -> None:
    counts: Counter[str] = Counter()
    for path in sorted(root.rglob("*.json")):
        try:
            text = path.read_text()
            data = json.loads(text)
        except (ValueError, OSError):
            continue
        items = data if isinstance(data, list) else [data]
        if not items or not all(is_event(e) for e in items):
            continue
        if "{{" in text or "${json-unit" in text:
            counts["template (not an event)"] += 1
            continue
        try:
            normalize([path])
            counts["normalized"] += 1
        except MlgovError as exc:
            counts["refused"] += 1
            print(f"refused: {exc.one_line()[:200]}")
    print(json.dumps(counts))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
