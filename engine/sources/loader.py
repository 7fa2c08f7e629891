"""Parse an input file by sniffing its content; the file name is only a hint."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from ..safeio import parse_json, parse_json_lines, parse_yaml, read_bounded, split_front_matter
from .interface import Loaded

_MARKDOWN = (".md", ".markdown")


def load(path: Path, display: str | None = None) -> Loaded:
    raw = read_bounded(path, display)
    text = raw.text()
    stripped = text.lstrip()
    markdown_name = path.suffix.lower() in _MARKDOWN
    if not stripped and not markdown_name:
        raise InputError(raw.display, "file is empty")
    if stripped[:1] in ("{", "[") and not markdown_name:
        first_line = stripped.split("\n", 1)[0].strip()
        rest = stripped[len(first_line):].strip()
        if stripped[0] == "{" and rest.startswith("{") and _balanced(first_line):
            return Loaded(raw, "jsonl", parse_json_lines(text, raw.display))
        return Loaded(raw, "json", parse_json(text, raw.display))
    front = split_front_matter(text)
    if front is not None and (markdown_name or front[1].strip()
                              or path.suffix.lower() not in (".yaml", ".yml")):
        matter = parse_yaml(front[0], raw.display, front_matter=True) if front[0].strip() else None
        if matter is None:
            matter = {}
        if not isinstance(matter, dict):
            raise InputError(raw.display, "front matter is not a YAML mapping")
        return Loaded(raw, "markdown", matter, front[1], front[2])
    if markdown_name:
        return Loaded(raw, "markdown", {}, text, 1)
    return Loaded(raw, "yaml", parse_yaml(text, raw.display))


def _balanced(line: str) -> bool:
    """A whole JSON object on one line (JSON lines), judged cheaply by a trial parse."""
    try:
        parse_json(line, "<probe>")
    except InputError:
        return False
    return True
