"""Structure of every license expression, derived once so that policies need no SPDX parser.

For each ``license`` we add ``license_info``: whether the expression is valid SPDX, its
alternatives in disjunctive normal form (``MIT OR (Apache-2.0 AND CC-BY-4.0)`` is
``[["MIT"], ["Apache-2.0", "CC-BY-4.0"]]``: a licensee may pick one alternative and must
honour every license in it), and the ids that are neither on the SPDX list nor a
``LicenseRef-``. What each license *means* (non-commercial, share-alike ...) is policy data
in the licensing pack, not here.
"""

from __future__ import annotations

from functools import cache
from typing import Any

MAX_ALTERNATIVES = 64


@cache
def _licensing() -> Any:
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


@cache
def _known() -> frozenset[str]:
    return frozenset(s.key for s in _licensing().known_symbols.values())


@cache
def license_info(expression: str) -> dict[str, Any]:
    if expression == "NOASSERTION":
        return {"valid": False, "alternatives": [], "unknown": [], "reason": "no license stated"}
    try:
        parsed = _licensing().parse(expression, validate=False)
    except Exception as exc:  # the library raises many types for bad syntax
        return {"valid": False, "alternatives": [], "unknown": [], "reason": " ".join(str(exc).split())[:160]}
    alternatives = _dnf(parsed)
    ids = sorted({i for alt in alternatives for i in alt})
    unknown = [i for i in ids if i not in _known() and not i.startswith("LicenseRef-")]
    info: dict[str, Any] = {"valid": not unknown, "alternatives": alternatives, "unknown": unknown}
    if unknown:
        info["reason"] = f"not SPDX license ids: {', '.join(unknown)}"
    return info


def _dnf(node: Any) -> list[list[str]]:
    name = type(node).__name__
    if name == "LicenseWithExceptionSymbol":
        return [[node.license_symbol.key]]
    if name == "AND":
        result: list[list[str]] = [[]]
        for arg in node.args:
            result = [sorted(set(a) | set(b)) for a in result for b in _dnf(arg)][:MAX_ALTERNATIVES]
        return result
    if name == "OR":
        out: list[list[str]] = []
        for arg in node.args:
            out.extend(alt for alt in _dnf(arg) if alt not in out)
        return out[:MAX_ALTERNATIVES]
    return [[node.key]]


def annotate(document: dict[str, Any], provenance: dict[str, list[dict]]) -> None:
    """Add ``license_info`` next to every ``license``; its provenance is the license's own."""
    holders: list[tuple[str, dict]] = []
    if isinstance(document.get("model"), dict):
        holders.append(("/model", document["model"]))
        holders += [(f"/model/base_models/{i}", b) for i, b in enumerate(document["model"].get("base_models", []))]
    for collection in ("datasets", "components"):
        holders += [(f"/{collection}/{i}", e) for i, e in enumerate(document.get(collection, []))]
    for pointer, entity in holders:
        if "license" in entity:
            entity["license_info"] = license_info(entity["license"])
            derived = {"source": "mlgov", "format": "derived", "at": f"{pointer}/license",
                       "note": "parsed from the license expression"}
            provenance[f"{pointer}/license_info"] = [derived]
