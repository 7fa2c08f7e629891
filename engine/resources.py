"""Locate built-in schemas, packs and fixtures, both in an installed wheel and in a checkout.

The wheel carries them under ``mlgov/_data``; a checkout keeps them beside ``engine/``.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_KINDS = ("schemas", "policies", "rules", "fixtures")


@cache
def data_dir(kind: str) -> Path:
    """Directory of one kind of built-in data (``schemas``, ``policies``, ``rules``, ``fixtures``)."""
    if kind not in _KINDS:
        raise ValueError(f"unknown data kind {kind!r}")
    for candidate in (_PACKAGE_DIR / "_data" / kind, _PACKAGE_DIR.parent / kind):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"built-in {kind} not found (looked in {_PACKAGE_DIR / '_data'})")


def schema_path(name: str) -> Path:
    return data_dir("schemas") / f"{name}.schema.json"


def example_bundles() -> dict[str, Path]:
    """Bundled example release bundles by name (directories holding an ``mlgov.yaml``)."""
    root = data_dir("fixtures") / "bundles"
    return {p.parent.name: p.parent for p in sorted(root.glob("*/mlgov.yaml"))}


def builtin_packs() -> list[Path]:
    """Every built-in pack directory: Rego packs under policies/, YAML packs under rules/."""
    return [p.parent for kind in ("policies", "rules") for p in sorted(data_dir(kind).glob("*/pack.yaml"))]
