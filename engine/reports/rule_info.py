"""Rule descriptions and remediation for reports, from the built-in packs whose digest matches a
pack the verdict names (the rule text of another pack version is not this verdict's rule)."""

from __future__ import annotations

from functools import cache
from typing import Any

from ..packs.loader import load_packs
from ..packs.model import RuleMeta
from ..resources import builtin_packs

DOCS_URI = "https://mlgov.dev/rules/"


@cache
def builtin_rules() -> dict[tuple[str, str], dict[str, RuleMeta]]:
    """(pack name, sha256:digest) -> rule id -> metadata."""
    return {(p.name, f"sha256:{p.digest}"): {r.id: r for r in p.rules} for p in load_packs(builtin_packs())}


def rules_of(predicate: dict[str, Any]) -> dict[str, RuleMeta]:
    known = builtin_rules()
    out: dict[str, RuleMeta] = {}
    for pack in predicate["packs"]:
        out.update(known.get((pack["name"], pack["digest"]), {}))
    return out


def help_uri(rule_id: str) -> str:
    return f"{DOCS_URI}{rule_id}"
