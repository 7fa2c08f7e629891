"""Refuse a pack whose rules read document paths the schema does not define, or negate an
expression OPA and regorus evaluate differently (rego_negation.py); cache the verdict.

Checking parses every Rego module (about 100 ms for the built-in packs), too slow to repeat on
every cold ``mlgov gate``. A pack that passed is remembered by a key over everything the
answer depends on: the pack's digest, the document schema's bytes and this checker's source.
The cache lives in ``$MLGOV_CACHE_DIR`` (default ``$XDG_CACHE_HOME/mlgov`` or
``~/.cache/mlgov``); an unwritable cache only costs time. Only passes are cached, so a broken
pack fails on every load.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ..resources import schema_path
from .model import Pack

_CHECKERS = ("path_check.py", "rego_paths.py", "rego_negation.py", "yaml_paths.py", "schema_paths.py")


def check_pack_paths(pack: Pack) -> None:
    """Raise EvaluationError (file:line) when a rule of ``pack`` reads an unknown document path."""
    schema_bytes = schema_path("artifact-document").read_bytes()
    key = _key(pack.digest, schema_bytes)
    marker = _cache_dir() / "path-check" / key if key else None
    if marker is not None and marker.is_file():
        return
    from .rego_negation import RegoNegationChecker  # imported only on a cache miss (they load the parser)
    from .rego_paths import RegoPathChecker, parse_modules
    from .yaml_paths import YamlPathChecker

    schema = json.loads(schema_bytes)
    parsed = parse_modules(pack.rego_modules)
    complete = all(m is not None for m in parsed)
    modules = [m for m in parsed if m is not None]
    if modules:
        RegoPathChecker(schema).check_parsed(modules)
        RegoNegationChecker(schema).check_parsed(modules)  # OPA and regorus would disagree (opa#1877)
    checker = YamlPathChecker(schema)
    for rule in pack.yaml_rules:
        checker.check(rule)
    if marker is not None and complete:
        try:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(f"{pack.name} {pack.version}\n")
        except OSError:
            pass


def _key(digest: str, schema_bytes: bytes) -> str | None:
    h = hashlib.sha256()
    h.update(digest.encode())
    h.update(hashlib.sha256(schema_bytes).digest())
    here = Path(__file__).parent
    for name in _CHECKERS:
        try:
            h.update((here / name).read_bytes())
        except OSError:
            return None
    return h.hexdigest()


def _cache_dir() -> Path:
    if os.environ.get("MLGOV_CACHE_DIR"):
        return Path(os.environ["MLGOV_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "mlgov"


__all__ = ["check_pack_paths"]
