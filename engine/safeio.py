"""Bounded, safe reading of untrusted metadata files.

Every byte we parse comes from a bundle someone else wrote, so reads are capped in size,
YAML is parsed with a safe loader that refuses duplicate keys, and every parsed value is
walked once with a budget so that alias bombs and deep nesting fail fast with a clear error.
"""

from __future__ import annotations

import errno
import hashlib
import json
import math
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import yaml

from .errors import InputError

MAX_FILE_BYTES = int(os.environ.get("MLGOV_MAX_INPUT_BYTES", 32 * 1024 * 1024))
MAX_DEPTH = 64
MAX_NODES = 2_000_000
MAX_STRING_CHARS = 1024 * 1024
"""Any one string in structured metadata (a DSSE payload is checked once decoded)."""
MAX_INT_DIGITS = 4300
"""Python's own limit for int <-> str conversion; a longer YAML integer is refused by name."""

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

SAFE_INTEGER = 2**53 - 1
"""RFC 8785 / I-JSON range: a larger integer (a 64-bit seed) is kept as its decimal text, exactly."""


def exact_int(value: int) -> int | str:
    return value if -SAFE_INTEGER <= value <= SAFE_INTEGER else str(value)


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int | str:
    return exact_int(yaml.constructor.SafeConstructor.construct_yaml_int(loader, node))


_StrictLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


class _CardLoader(_StrictLoader):
    """Front matter as the Hub reads it: YAML 1.2 booleans only (``no`` is Norwegian, not false)
    and a NaN/infinite number read as null (huggingface_hub accepts cards with a NaN metric)."""


_YAML12_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_CardLoader.yaml_implicit_resolvers = {
    ch: [(tag, _YAML12_BOOL if tag == "tag:yaml.org,2002:bool" else rx) for tag, rx in resolvers]
    for ch, resolvers in _StrictLoader.yaml_implicit_resolvers.items()
}
for _ch in "yYnNoO":  # the YAML 1.1 words no longer resolve to bool: keep only chars true/false start with
    _CardLoader.yaml_implicit_resolvers[_ch] = [
        (tag, rx) for tag, rx in _CardLoader.yaml_implicit_resolvers.get(_ch, []) if tag != "tag:yaml.org,2002:bool"]


def _construct_finite_float(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> float | None:
    value = yaml.constructor.SafeConstructor.construct_yaml_float(loader, node)
    return value if math.isfinite(value) else None


_CardLoader.add_constructor("tag:yaml.org,2002:float", _construct_finite_float)


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


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a regular file"


def open_regular(path: Path | str, display: str | None = None, missing: str = "file not found"):
    """Open ``path`` for reading only if it is a regular file (after following symlinks).

    FIFOs, devices and sockets are refused before ``open()`` (opening a FIFO blocks for
    ever; ``/dev/zero`` never ends); the descriptor is opened non-blocking and checked again
    so a file swapped for a FIFO between the two checks is refused too.
    """
    shown = clean_display(display if display is not None else str(path))
    try:
        st = os.stat(path)
    except ValueError:
        raise InputError(shown, "path contains a NUL byte") from None
    except FileNotFoundError:
        raise InputError(shown, missing) from None
    except OSError as exc:
        raise InputError(shown, _os_reason(exc)) from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(shown, "is a directory, expected a file")
    if not stat.S_ISREG(st.st_mode):
        raise InputError(shown, f"is {_kind(st.st_mode)}; only regular files are read")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise InputError(shown, _os_reason(exc)) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise InputError(shown, "changed into something other than a regular file while being opened")
    os.set_blocking(fd, True)
    return os.fdopen(fd, "rb")


def _os_reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop (too many levels of symbolic links)"
    if exc.errno == errno.ENAMETOOLONG:
        return "path name too long"
    return f"cannot read: {exc.strerror}"


def clean_display(text: str) -> str:
    """A path as shown in one error line: control characters (NUL, newline) made visible."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def read_bounded(path: Path, display: str | None = None, limit: int | None = None) -> RawFile:
    """Read a whole metadata file (a regular file only), refusing more than ``limit`` bytes."""
    shown = clean_display(display or str(path))
    limit = MAX_FILE_BYTES if limit is None else limit
    with open_regular(path, shown) as fh:
        try:
            data = fh.read(limit + 1)
        except OSError as exc:
            raise InputError(shown, _os_reason(exc)) from None
    if len(data) > limit:
        raise InputError(shown, f"larger than the {limit}-byte limit for metadata files")
    return RawFile(Path(path), shown, data, hashlib.sha256(data).hexdigest())


def sha256_file(path: Path, display: str) -> tuple[str, int]:
    """Stream-hash an artifact of any size (a regular file only); returns (hex digest, size)."""
    h = hashlib.sha256()
    size = 0
    with open_regular(path, display, missing="listed file is missing") as fh:
        try:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
                size += len(chunk)
        except OSError as exc:
            raise InputError(display, _os_reason(exc)) from None
    return h.hexdigest(), size


def read_lines(path: Path, display: str, max_line: int, max_total: int | None = None):
    """Lines of a regular file, each checked against ``max_line`` while it is read.

    Yields ``(number, bytes)``; a line longer than ``max_line`` yields ``(number, None)``
    and its remainder is skipped without being held in memory.
    """
    with open_regular(path, display) as fh:
        if max_total is not None and os.fstat(fh.fileno()).st_size > max_total:
            raise InputError(display, f"larger than the {max_total}-byte limit")
        number = 0
        while True:
            line = fh.readline(max_line + 1)
            if not line:
                return
            number += 1
            if len(line) > max_line and not line.endswith(b"\n"):
                while (rest := fh.readline(1 << 20)) and not rest.endswith(b"\n"):
                    pass
                yield number, None
                continue
            yield number, line


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
    if _bad_scalar(value):
        _locate_problem(value, display)
    while stack:
        node, depth = pop()
        budget -= 1
        if budget < 0 or depth > MAX_DEPTH:
            _locate_problem(value, display)
        kind = type(node)
        if kind is dict:
            children = node.values()
        elif kind is list:
            children = node
        else:
            continue
        for child in children:
            ckind = type(child)
            if ckind is dict or ckind is list:
                push((child, depth + 1))
                continue
            budget -= 1
            if (ckind is str and len(child) > MAX_STRING_CHARS) or (ckind is float and not math.isfinite(child)):
                _locate_problem(value, display)
        if kind is dict:
            for key in node:
                if type(key) is str and len(key) > MAX_STRING_CHARS:
                    _locate_problem(value, display)


def _bad_scalar(node: Any) -> str | None:
    if isinstance(node, str) and len(node) > MAX_STRING_CHARS:
        return f"text of {len(node)} characters is longer than the {MAX_STRING_CHARS}-character limit"
    if isinstance(node, float) and not math.isfinite(node):
        return f"number {node!r} is not finite (NaN and infinities are not facts)"
    return None


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
        problem = _bad_scalar(node)
        if problem:
            raise InputError(display, problem, pointer)
        if isinstance(node, dict):
            for k, v in node.items():
                if isinstance(k, str) and len(k) > MAX_STRING_CHARS:
                    raise InputError(display, f"a key of {len(k)} characters is longer than the "
                                              f"{MAX_STRING_CHARS}-character limit", pointer)
                stack.append((v, depth + 1, f"{pointer}/{escape_pointer(str(k))}"))
        elif isinstance(node, list):
            for i, v in enumerate(node):
                stack.append((v, depth + 1, f"{pointer}/{i}"))
    raise InputError(display, f"too many values (more than {MAX_NODES}; YAML alias bomb?)")


def escape_pointer(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


_KEY_END = re.compile(r'"[ \t\n\r]*:')
"""The end of an object key. Inside a string a quote is escaped, so this can only over-count keys,
never under-count them: equal counts prove there is no duplicate key."""


def _parse_json_fast(text: str) -> Any:
    """orjson's result when it is provably what :func:`parse_json` would return, else ``_SLOW``.

    orjson is ~10x faster than ``json`` with hooks (most of an inventory line's parse) but keeps
    the last of duplicate keys, turns integers beyond 64 bits into floats and has its own depth
    limit. So its value is walked once: no duplicate key (keys counted in the text and in the
    value), no integer or integral float beyond 2**53, no non-finite float, depth within
    MAX_DEPTH. Anything else (and every error) is decided by the exact parser, which names it.
    """
    if len(text) > MAX_STRING_CHARS or len(text) > MAX_NODES:  # then no string or count can be too long
        return _SLOW
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return _SLOW
    keys = 0
    level = [value]
    for _depth in range(MAX_DEPTH + 1):
        deeper = []
        for node in level:
            if type(node) is dict:
                keys += len(node)
                children: Any = node.values()
            elif type(node) is list:
                children = node
            else:  # the top-level value is a scalar
                children = (node,)
            for child in children:
                kind = type(child)
                if kind is dict or kind is list:
                    deeper.append(child)
                elif kind is int:
                    if not -SAFE_INTEGER <= child <= SAFE_INTEGER:
                        return _SLOW
                elif kind is float and not (math.isfinite(child) and (abs(child) <= SAFE_INTEGER
                                                                     or not child.is_integer())):
                    return _SLOW
        if not deeper:
            return value if keys == len(_KEY_END.findall(text)) else _SLOW
        level = deeper
    return _SLOW


_SLOW = object()


def parse_json(text: str, display: str) -> Any:
    """JSON text -> value, refusing duplicate keys, NaN and infinities; integers beyond 2**53 are
    kept as their decimal text (:func:`exact_int`); bounded by :func:`check_structure`."""
    fast = _parse_json_fast(text)
    return _parse_json_exact(text, display) if fast is _SLOW else fast


def _parse_json_exact(text: str, display: str) -> Any:
    def pairs(items: list[tuple[str, Any]]) -> dict:
        out: dict = {}
        for k, v in items:
            if k in out:
                raise ValueError(f"duplicate key {k!r}")
            out[k] = v
        return out

    def constant(name: str) -> Any:
        raise ValueError(f"{name} is not a JSON number (NaN and infinities are not facts)")

    def number(literal: str) -> float:
        result = float(literal)
        if not math.isfinite(result):
            raise ValueError(f"number {literal[:40]} is out of range (not a finite number)")
        return result

    try:
        value = json.loads(text, object_pairs_hook=pairs, parse_constant=constant, parse_float=number,
                           parse_int=lambda literal: exact_int(int(literal)))
    except json.JSONDecodeError as exc:
        raise InputError(display, f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except ValueError as exc:
        raise InputError(display, f"malformed JSON: {_int_limit(exc)}") from None
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


def parse_yaml(text: str, display: str, front_matter: bool = False) -> Any:
    """Safe YAML; ``front_matter`` reads a model card's front matter as the Hub does."""
    try:
        value = yaml.load(text, Loader=_CardLoader if front_matter else _StrictLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f" at line {mark.line + 1} column {mark.column + 1}" if mark else ""
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(display, f"malformed YAML{where}: {problem}") from None
    except yaml.YAMLError as exc:
        raise InputError(display, f"malformed YAML: {exc}") from None
    except RecursionError:
        raise InputError(display, f"nested deeper than {MAX_DEPTH} levels") from None
    except ValueError as exc:  # an integer longer than Python's int-conversion limit
        raise InputError(display, f"malformed YAML: {_int_limit(exc)}") from None
    check_structure(value, display)
    return value


def _int_limit(exc: ValueError) -> str:
    if "digits" in str(exc):
        return f"an integer has more than {MAX_INT_DIGITS} digits"
    return " ".join(str(exc).split())[:200]


_FRONT_MATTER = re.compile(r"^(\s*---[\r\n]+)([\S\s]*?)([\r\n]+---(\r\n|\n|$))")
"""The Hugging Face Hub's own pattern (huggingface_hub ``REGEX_YAML_BLOCK``): blank lines may
precede the opening ``---``; the block ends at the first line that is exactly ``---``."""


def split_front_matter(text: str) -> tuple[str, str, int] | None:
    """Split Markdown YAML front matter; returns (yaml text, body, body's first line number)."""
    match = _FRONT_MATTER.search(text)
    if match is None:
        return None
    return match.group(2), text[match.end():], text.count("\n", 0, match.end()) + 1
