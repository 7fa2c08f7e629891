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


def locate(path: str, sha256: str | None, at: str) -> tuple[int, int, int, int] | None:
    """(start line, start column, end line, end column), 1-based, the end column being the one after
    the value, of `at` (a JSON pointer, or "line N": that whole line unknown, column 1) in `path`."""
    match = _LINE.match(at or "")
    if match:
        return int(match[1]), 1, int(match[1]), 1
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
    start, end = node.start_mark, node.end_mark
    if end.line > start.line and end.column == 0:  # a block ends at the start of the next line
        return start.line + 1, start.column + 1, end.line, 1
    return start.line + 1, start.column + 1, end.line + 1, end.column + 1
