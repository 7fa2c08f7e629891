"""Structure of every license expression, derived once so that policies need no SPDX parser.

For each ``license`` we add ``license_info``: whether the expression is valid SPDX, its
alternatives in disjunctive normal form (``MIT OR (Apache-2.0 AND CC-BY-4.0)`` is
``[["MIT"], ["Apache-2.0", "CC-BY-4.0"]]``: a licensee may pick one alternative and must
honour every license in it), and the ids that are neither on the SPDX list nor a
``LicenseRef-``. What each license *means* (non-commercial, share-alike ...) is policy data
in the licensing pack, not here.

A license that is not on the SPDX list comes with what the sources said about it under
``/licenses/<LicenseRef>`` (name, text, link). Its wording is read *conservatively*: any phrase
that suggests non-commercial, research-only or no-derivatives terms (or responsible-AI use
restrictions) becomes a ``detected_terms`` entry, so that the licensing rules flag it for review
rather than treat an unread text as permissive.
"""

from __future__ import annotations

import copy
import re
from functools import cache
from typing import Any

from .vocab import spdx_licensing

MAX_ALTERNATIVES = 64
MAX_WORDING = 5

# Phrases that suggest a term. Over-matching is intended: a false flag costs a review, a miss
# releases a model its license forbids.
_WORDING: dict[str, re.Pattern[str]] = {
    "noncommercial": re.compile(
        r"\bnon[\s_-]?commercial|\bno[\s_-]commercial|\bnot\s+(?:be\s+)?(?:used\s+)?for\s+(?:any\s+)?commercial"
        r"|\bcommercial\s+(?:use|purposes?|exploitation)\s+(?:is|are)\s+(?:not\s+(?:permitted|allowed)|prohibited"
        r"|forbidden)|\b(?:may|shall|must)\s+not\s+(?:\w+\s+){0,6}commercial", re.I),
    "research_only": re.compile(
        r"\bresearch[\s_-]+(?:(?:purposes?|use|uses)[\s_-]+)?only\b|\bsolely\s+for\s+(?:[\w-]+\s+){0,3}research"
        r"|\bacademic\s+(?:research\s+)?(?:use|purposes?)\s+only|\bfor\s+(?:[\w-]+\s+){0,2}research\s+purposes?"
        r"|\bresearch[\s_-]+(?:use[\s_-]+)?licen[cs]e", re.I),
    "no_derivatives": re.compile(
        r"\bno[\s_-]?deriv(?:ative|atives|s)\b|\b(?:may|shall|must)\s+not\s+(?:\w+\s+){0,3}(?:modify|adapt"
        r"|create\s+derivative|distribute\s+(?:any\s+)?(?:modified|derivative))", re.I),
    "use_restrictions": re.compile(
        r"\bacceptable[\s_-]+use[\s_-]+polic|\buse[\s_-]+restrictions?\b|\bresponsible[\s_-]+ai[\s_-]+licen"
        r"|\bprohibited[\s_-]+uses?\b|\bopen[\s_-]?rail\b", re.I),
}


def wording_terms(*texts: str) -> tuple[list[str], list[str]]:
    """Terms the wording suggests, and the phrases that suggested them (for the finding)."""
    terms: list[str] = []
    phrases: list[str] = []
    for term, pattern in _WORDING.items():
        for text in texts:
            match = pattern.search(text)
            if match:
                terms.append(term)
                if len(phrases) < MAX_WORDING:
                    phrases.append(" ".join(match.group(0).split()))
                break
    return terms, phrases


@cache
def _known() -> frozenset[str]:
    return frozenset(s.key for s in spdx_licensing().known_symbols.values())


@cache
def license_info(expression: str) -> dict[str, Any]:
    if expression == "NOASSERTION":
        return {"valid": False, "alternatives": [], "unknown": [], "reason": "no license stated"}
    try:
        parsed = spdx_licensing().parse(expression, validate=False)
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
    """Add ``license_info`` next to every ``license``; its provenance is the license's own. Add
    ``detected_terms`` to every LicenseRef whose id, name or text suggests restrictive terms."""
    holders: list[tuple[str, dict]] = []
    if isinstance(document.get("model"), dict):
        holders.append(("/model", document["model"]))
        holders += [(f"/model/base_models/{i}", b) for i, b in enumerate(document["model"].get("base_models", []))]
    for collection in ("datasets", "components"):
        holders += [(f"/{collection}/{i}", e) for i, e in enumerate(document.get(collection, []))]
    refs: set[str] = set(document.get("licenses", {}))
    for pointer, entity in holders:
        if "license" in entity:
            # a copy: license_info is cached, and a shared dict would let one edit change every entity
            entity["license_info"] = copy.deepcopy(license_info(entity["license"]))
            derived = {"source": "mlgov", "format": "derived", "at": f"{pointer}/license",
                       "note": "parsed from the license expression"}
            provenance[f"{pointer}/license_info"] = [derived]
            refs |= {i for alt in entity["license_info"]["alternatives"] for i in alt if i.startswith("LicenseRef-")}
    for ref in sorted(refs):
        _read_wording(document, provenance, ref)


def _read_wording(document: dict[str, Any], provenance: dict[str, list[dict]], ref: str) -> None:
    entry = document.get("licenses", {}).get(ref, {})
    words = ref[len("LicenseRef-"):].replace("-", " ").replace("_", " ")
    texts = [words] + [entry[k] for k in ("name", "text") if isinstance(entry.get(k), str)]
    terms, phrases = wording_terms(*texts)
    if not terms:
        return
    entry = document.setdefault("licenses", {}).setdefault(ref, entry)
    entry["detected_terms"] = terms
    entry["detected_wording"] = phrases
    pointer = f"/licenses/{ref}"
    derived = {"source": "mlgov", "format": "derived", "at": pointer,
               "note": "read from the license's id, name and text"}
    provenance[f"{pointer}/detected_terms"] = [derived]
    provenance[f"{pointer}/detected_wording"] = [derived]
