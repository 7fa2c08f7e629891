"""Bounded, safe reading of untrusted metadata files.

Every byte we parse comes from a bundle someone else wrote, so reads are capped in size,
YAML is parsed with a safe loader that refuses duplicate keys, and every parsed value is
walked once with a budget so that alias bombs and deep nesting fail fast with a clear error.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .errors import InputError

MAX_FILE_BYTES = int(os.environ.get("MLGOV_MAX_INPUT_BYTES", 32 * 1024 * 1024))
MAX_DEPTH = 64
MAX_NODES = 2_000_000

try:  # the C loader is ~10x faster; same safety (SafeConstructor)
    _BaseLoader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _BaseLoader = yaml.SafeLoader


class _StrictLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader that keeps timestamps as strings and refuses duplicate keys."""


_StrictLoader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for ch, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
    loader.flatten_mapping(node)
    result: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            raise yaml.constructor.ConstructorError(
                None, None, "mapping keys must be scalars", key_node.start_mark
            )
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_StrictLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


@dataclass(frozen=True)
class RawFile:
    path: Path
    display: str
    data: bytes
    sha256: str

    def text(self) -> str:
        try:
            return self.data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(self.display, f"not UTF-8 text (byte {exc.start})") from None


def read_bounded(path: Path, display: str | None = None, limit: int | None = None) -> RawFile:
    """Read a whole metadata file, refusing anything larger than ``limit`` bytes."""
    shown = display or str(path)
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        with open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except IsADirectoryError:
        raise InputError(shown, "is a directory, expected a file") from None
    except FileNotFoundError:
        raise InputError(shown, "file not found") from None
    except OSError as exc:
        raise InputError(shown, f"cannot read: {exc.strerror}") from None
    if len(data) > limit:
        raise InputError(shown, f"larger than the {limit}-byte limit for metadata files")
    return RawFile(path, shown, data, hashlib.sha256(data).hexdigest())


def sha256_file(path: Path, display: str) -> tuple[str, int]:
    """Stream-hash an artifact of any size; returns (hex digest, size in bytes)."""
    h = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
                size += len(chunk)
    except FileNotFoundError:
        raise InputError(display, "listed file is missing") from None
    except IsADirectoryError:
        raise InputError(display, "listed path is a directory, expected a file") from None
    except OSError as exc:
        raise InputError(display, f"cannot read: {exc.strerror}") from None
    return h.hexdigest(), size


def check_structure(value: Any, display: str) -> None:
    """Walk a parsed value once, failing on nesting deeper than MAX_DEPTH or more than MAX_NODES.

    Aliases in YAML are shared objects, so a "billion laughs" document is small in memory
    but explodes for anything that walks it (JSON encoding, schema validation, Rego).
    Counting visits, not objects, catches it. The walk keeps no pointers (it runs on every
    inventory line); only a failure walks again to name the place.
    """
    budget = MAX_NODES
    stack: list[tuple[Any, int]] = [(value, 0)]
    pop, push = stack.pop, stack.append
    while stack:
        node, depth = pop()
        budget -= 1
        if budget < 0 or depth > MAX_DEPTH:
            _locate_problem(value, display)
        kind = type(node)
        if kind is dict:
            for child in node.values():
                if type(child) in (dict, list):
                    push((child, depth + 1))
                else:
                    budget -= 1
        elif kind is list:
            for child in node:
                if type(child) in (dict, list):
                    push((child, depth + 1))
                else:
                    budget -= 1


def _locate_problem(value: Any, display: str) -> None:
    budget = MAX_NODES
    stack: list[tuple[Any, int, str]] = [(value, 0, "")]
    while stack:
        node, depth, pointer = stack.pop()
        budget -= 1
        if budget < 0:
            raise InputError(display, f"too many values (more than {MAX_NODES}; YAML alias bomb?)", pointer)
        if depth > MAX_DEPTH:
            raise InputError(display, f"nested deeper than {MAX_DEPTH} levels", pointer)
        if isinstance(node, dict):
            for k, v in node.items():
                stack.append((v, depth + 1, f"{pointer}/{escape_pointer(str(k))}"))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                stack.append((v, depth + 1, f"{pointer}/{i}"))
    raise InputError(display, f"too many values (more than {MAX_NODES}; YAML alias bomb?)")


def escape_pointer(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def parse_json(text: str, display: str) -> Any:
    def pairs(items: list[tuple[str, Any]]) -> dict:
        out: dict = {}
        for k, v in items:
            if k in out:
                raise ValueError(f"duplicate key {k!r}")
            out[k] = v
        return out

    try:
        value = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        raise InputError(display, f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except ValueError as exc:
        raise InputError(display, f"malformed JSON: {exc}") from None
    except RecursionError:
        raise InputError(display, f"nested deeper than {MAX_DEPTH} levels") from None
    check_structure(value, display)
    return value


def parse_json_lines(text: str, display: str) -> list[Any]:
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                out.append(parse_json(line, display))
            except InputError as exc:
                raise InputError(display, f"line {number}: {exc.message}", exc.pointer) from None
    return out


def parse_yaml(text: str, display: str) -> Any:
    try:
        value = yaml.load(text, Loader=_StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(display, f"malformed YAML{where}: {problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(display, f"malformed YAML: {exc}") from None
    except RecursionError:
        raise InputError(display, f"nested deeper than {MAX_DEPTH} levels") from None
    check_structure(value, display)
    return value


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Split Markdown YAML front matter; returns (yaml text, body, body's first line number)."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        return None
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "".join(lines[1:i]), "".join(lines[i + 1 :]), i + 2
    return None
