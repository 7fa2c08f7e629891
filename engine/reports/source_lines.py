"""Line and column of a fact in the input file that stated it, for reports that point into files
(SARIF regions). Only when the file is still there, unchanged (its sha256 is the one the verdict
recorded) and is JSON or YAML; otherwise the location is unknown and reported without a region."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from ..errors import MlgovError
from ..safeio import read_bounded

_LINE = re.compile(r"^line (\d+)$")
MAX_LOCATE_BYTES = 2 * 1024 * 1024  # composing YAML nodes is pure Python: keep it quick


def _tokens(pointer: str) -> list[str]:
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]] if pointer else []


@cache
def _tree(path: str, sha256: str) -> yaml.Node | None:
    try:
        raw = read_bounded(Path(path), limit=MAX_LOCATE_BYTES)
        if raw.sha256 != sha256:
            return None
        return yaml.compose(raw.text(), Loader=yaml.SafeLoader)
    except (MlgovError, yaml.YAMLError, OSError):
        return None


def locate(path: str, sha256: str | None, at: str) -> tuple[int, int] | None:
    """(line, column), both 1-based, of `at` (a JSON pointer or "line N") in the file at `path`."""
    match = _LINE.match(at or "")
    if match:
        return int(match[1]), 1
    if not at.startswith("/") or not sha256 or not Path(path).is_file():
        return None
    node = _tree(path, sha256)
    for token in _tokens(at):
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == token), None)
        elif isinstance(node, yaml.SequenceNode) and token.isdigit() and int(token) < len(node.value):
            node = node.value[int(token)]
        else:
            node = None
        if node is None:
            return None
    if node is None:
        return None
    return node.start_mark.line + 1, node.start_mark.column + 1
