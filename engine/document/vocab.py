"""Normalizers that give every source's words one canonical spelling.

A value that cannot be normalized is an input error naming the file and field: a risk tier
of "hgih" must not silently become "unknown" and pass a gate.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from ..errors import InputError

RISK_TIERS = ("unacceptable", "high", "medium", "limited", "low", "minimal")
_RISK_SYNONYMS = {
    "tier 1": "high", "tier-1": "high", "tier1": "high", "1": "high", "critical": "high",
    "tier 2": "medium", "tier-2": "medium", "tier2": "medium", "2": "medium", "moderate": "medium",
    "tier 3": "low", "tier-3": "low", "tier3": "low", "3": "low",
    "prohibited": "unacceptable", "high-risk": "high", "high risk": "high",
    "limited-risk": "limited", "minimal-risk": "minimal",
}

# Canonical regime ids, as used by control catalogs (REGIME:clause). Closed: a word that is not
# one of these (after the accepted spellings) is an input error, because a misspelled regime
# ("US FDA") would silently drop every rule of the real one. An organisation's own regime is
# spelled X-NAME. A test keeps this list equal to the catalogs' regulatory_scope words.
REGIMES = ("21-CFR-11", "EU-AI-ACT", "FDA", "GDPR", "ISO-42001", "NIST-AI-RMF", "SR-11-7", "SR-26-2")
_REGIME_SYNONYMS = {
    "sr 11-7": "SR-11-7", "sr11-7": "SR-11-7", "sr-11-7": "SR-11-7", "occ 2011-12": "SR-11-7",
    "sr 26-2": "SR-26-2", "sr26-2": "SR-26-2", "sr-26-2": "SR-26-2", "occ 2026-13": "SR-26-2",
    "eu ai act": "EU-AI-ACT", "eu-ai-act": "EU-AI-ACT", "euaia": "EU-AI-ACT", "eu-aia": "EU-AI-ACT",
    "ai act": "EU-AI-ACT", "regulation (eu) 2024/1689": "EU-AI-ACT",
    "fda": "FDA", "21 cfr part 11": "21-CFR-11", "21-cfr-11": "21-CFR-11", "part 11": "21-CFR-11",
    "21 cfr 11": "21-CFR-11",
    "nist ai rmf": "NIST-AI-RMF", "nist-ai-rmf": "NIST-AI-RMF", "ai rmf": "NIST-AI-RMF",
    "iso/iec 42001": "ISO-42001", "iso 42001": "ISO-42001", "iso-42001": "ISO-42001",
    "iso/iec 42001:2023": "ISO-42001",
    "gdpr": "GDPR", "regulation (eu) 2016/679": "GDPR",
}
_PRIVATE_REGIME = re.compile(r"^X-[A-Z0-9][A-Z0-9.-]{0,38}$")

MATERIALITY = ("high", "moderate", "low")
_MATERIALITY_SYNONYMS = {"medium": "moderate", "tier 1": "high", "tier 2": "moderate", "tier 3": "low",
                         "high materiality": "high", "moderate materiality": "moderate", "low materiality": "low"}
HIGH_RISK_BASES = ("annex-i", "annex-iii")
_BASIS_SYNONYMS = {"annex i": "annex-i", "annex 1": "annex-i", "art. 6(1)": "annex-i", "article 6(1)": "annex-i",
                   "6(1)": "annex-i", "annex iii": "annex-iii", "annex 3": "annex-iii", "art. 6(2)": "annex-iii",
                   "article 6(2)": "annex-iii", "6(2)": "annex-iii"}
_ART9_CONDITION = re.compile(r"^(?:(?:gdpr\s+)?art(?:icle|\.)?\s*)?9\s*\(2\)\s*\(([a-j])\)$")


def materiality(value: Any, file: str, pointer: str) -> str:
    text = " ".join(str(value).split()).lower()
    text = _MATERIALITY_SYNONYMS.get(text, text)
    if text not in MATERIALITY:
        raise InputError(file, f"unknown materiality {value!r} (expected one of {', '.join(MATERIALITY)})", pointer)
    return text


def high_risk_basis(value: Any, file: str, pointer: str) -> str:
    text = " ".join(str(value).split()).lower()
    text = _BASIS_SYNONYMS.get(text, text)
    if text not in HIGH_RISK_BASES:
        raise InputError(file, f"unknown high-risk basis {value!r} (expected one of {', '.join(HIGH_RISK_BASES)})",
                         pointer)
    return text


def special_category_condition(value: Any, file: str, pointer: str) -> str:
    """GDPR Art. 9(2)(a)-(j), written as ``9(2)(h)``."""
    match = _ART9_CONDITION.match(" ".join(str(value).split()).lower())
    if not match:
        raise InputError(file, f"not a GDPR Art. 9(2) condition: {value!r} (expected 9(2)(a) ... 9(2)(j))", pointer)
    return f"9(2)({match.group(1)})"


APPROVAL_DECISIONS = ("approved", "rejected", "conditional", "pending", "revoked")
_DECISION_SYNONYMS = {"approve": "approved", "accept": "approved", "accepted": "approved",
                      "reject": "rejected", "denied": "rejected", "deny": "rejected"}
SUBJECT_KINDS = ("model", "container", "code", "dataset", "documentation", "other")
DATASET_ROLES = ("training", "validation", "test", "evaluation", "fine-tuning", "pretraining", "other")

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_KEY_SPACE = re.compile(r"\s+")


def entity_key(name: str) -> str:
    """Identity of an entity across sources: case- and whitespace-insensitive name."""
    return _KEY_SPACE.sub(" ", str(name).strip()).lower()


def risk_tier(value: Any, file: str, pointer: str) -> str:
    text = str(value).strip().lower()
    tier = _RISK_SYNONYMS.get(text, text)
    if tier not in RISK_TIERS:
        raise InputError(file, f"unknown risk tier {value!r} (expected one of {', '.join(RISK_TIERS)})", pointer)
    return tier


def regime(value: Any, file: str, pointer: str) -> str:
    text = " ".join(str(value).split())
    canonical = _REGIME_SYNONYMS.get(text.lower(), text.upper())
    if canonical in REGIMES or _PRIVATE_REGIME.match(canonical):
        return canonical
    raise InputError(file, f"unknown regime {value!r} (expected one of {', '.join(REGIMES)}, or X-NAME for "
                           "an organisation's own)", pointer)


def decision(value: Any, file: str, pointer: str) -> str:
    text = str(value).strip().lower()
    text = _DECISION_SYNONYMS.get(text, text)
    if text not in APPROVAL_DECISIONS:
        raise InputError(file, f"unknown approval decision {value!r}", pointer)
    return text


def choice(value: Any, allowed: tuple[str, ...], what: str, file: str, pointer: str) -> str:
    text = str(value).strip().lower()
    if text not in allowed:
        raise InputError(file, f"unknown {what} {value!r} (expected one of {', '.join(allowed)})", pointer)
    return text


_RUN_STATUS = {"complete": "completed", "completed": "completed", "finished": "completed", "succeeded": "completed",
               "success": "completed", "fail": "failed", "failed": "failed", "abort": "killed", "killed": "killed",
               "aborted": "killed", "running": "running", "start": "running", "scheduled": "scheduled"}


RUN_STATUSES = ("completed", "failed", "killed", "running", "scheduled")


def run_status(value: Any, file: str = "<input>", pointer: str | None = None) -> str:
    """MLflow says FINISHED, OpenLineage COMPLETE: one word for each state of a run (closed)."""
    text = str(value).strip().lower()
    if text not in _RUN_STATUS:
        raise InputError(file, f"unknown run status {value!r} (expected one of {', '.join(RUN_STATUSES)})", pointer)
    return _RUN_STATUS[text]


def role(value: Any) -> str:
    return re.sub(r"[\s-]+", "_", str(value).strip().lower())


def sha256_hex(value: Any, file: str, pointer: str) -> str:
    """Accept ``sha256:<hex>``, bare hex or ``{"sha256": hex}``; return lower-case hex."""
    if isinstance(value, dict):
        value = value.get("sha256")
    text = str(value or "").strip().lower()
    if text.startswith("sha256:"):
        text = text[len("sha256:"):]
    if not _HEX64.match(text):
        raise InputError(file, f"not a sha256 digest: {value!r}", pointer)
    return text


def boolean(value: Any, file: str, pointer: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("yes", "true", "y", "1"):
        return True
    if text in ("no", "false", "n", "0"):
        return False
    raise InputError(file, f"expected yes/no, got {value!r}", pointer)


@cache
def spdx_licensing() -> Any:
    """The SPDX licence index (built once per process: about 25 ms each time it is built)."""
    from license_expression import get_spdx_licensing

    return get_spdx_licensing()


MAX_LICENSE_EXPRESSION_CHARS = 10_000
"""Longest SPDX licence expression read (parsing cost grows with length; real ones are short)."""
MAX_NAME_CHARS = 1_000
"""Longest name or version of anything (a Hub repository id is at most 96 characters)."""


def license_expression(value: Any) -> str:
    """Canonical SPDX spelling when the expression parses; the text as written otherwise.

    Unknown ids are kept (a licensing rule reports them); ``other`` or an empty value is
    ``NOASSERTION``, SPDX's word for "nobody said".
    """
    text = " ".join(str(value).split())
    if not text or text.lower() in ("other", "unknown", "noassertion", "none"):
        return "NOASSERTION"
    if len(text) > MAX_LICENSE_EXPRESSION_CHARS:
        return text  # never parsed: the reader refuses it by name (sources/interface.py)
    try:
        return spdx_licensing().parse(text, validate=False).render()
    except Exception:  # the library raises many exception types for bad syntax
        return text
