"""Helpers shared by source readers: people, timestamps, digests, licenses."""

from __future__ import annotations

import re
from typing import Any

from .. import timeutil
from ..document import vocab
from ..document.facts import FactList

_NAME_EMAIL = re.compile(r"^\s*(?P<name>[^<]*?)\s*<(?P<email>[^>]+)>\s*$")


def person_dict(value: Any) -> dict[str, str]:
    """A person as ``{name, email, team, id}``; accepts "Name <email>" strings too."""
    if isinstance(value, dict):
        return {k: str(value[k]) for k in ("name", "email", "team", "id") if value.get(k) not in (None, "")}
    text_ = str(value or "").strip()
    if not text_:
        return {}
    match = _NAME_EMAIL.match(text_)
    if match:
        return {"name": match["name"] or match["email"], "email": match["email"]}
    if "@" in text_ and " " not in text_:
        return {"email": text_}
    return {"name": text_}


def person(facts: FactList, path: tuple[str, ...], value: Any, at: str) -> None:
    for field, v in person_dict(value).items():
        facts.add((*path, field), v, f"{at}/{field}" if isinstance(value, dict) else at)


def stamp(facts: FactList, path: tuple[str, ...], value: Any, file: str, at: str) -> None:
    if value not in (None, ""):
        facts.add(path, timeutil.normalize(value, file, at), at)


def digest(facts: FactList, path: tuple[str, ...], value: Any, file: str, at: str) -> None:
    if value not in (None, ""):
        facts.add(path, {"sha256": vocab.sha256_hex(value, file, at)}, at)


def license_(facts: FactList, path: tuple[str, ...], value: Any, at: str) -> None:
    if value not in (None, ""):
        facts.add(path, vocab.license_expression(value), at)


def text(value: Any) -> str | None:
    if value is None:
        return None
    out = str(value).strip()
    return out or None


MAX_LICENSE_TEXT = 100_000


def license_ref(name: Any) -> str:
    """``LicenseRef-<name>`` with the characters SPDX allows in an id (letters, digits, ``.-``)."""
    raw = str(name).strip()
    if raw.startswith("LicenseRef-"):
        raw = raw[len("LicenseRef-"):]
    idstring = "".join(c if (c.isascii() and c.isalnum()) or c in ".-" else "-" for c in raw).strip("-")
    return "LicenseRef-" + (idstring or "unnamed")


def license_text(facts: FactList, ref: str, **fields: tuple[Any, str]) -> None:
    """Keep what a source says about a LicenseRef under ``/licenses/<ref>``: ``name``, ``text``
    and ``url``, each given as (value, where it was read). Its terms can then be reviewed and
    non-commercial wording detected, instead of the license being dropped."""
    for field in ("name", "text", "url"):
        value, at = fields.get(field, (None, ""))
        if not isinstance(value, str) or not value.strip():
            continue
        value = value.strip() if field == "text" else " ".join(value.split())
        facts.add(("licenses", ref, field), value[:MAX_LICENSE_TEXT], at)
