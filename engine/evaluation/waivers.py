"""Waivers: approved, time-limited exceptions for one rule on named subjects.

A waived finding stays in the results, marked waived. A waiver that is expired, not yet
approved, or approved after the evaluation date does not apply, and is reported as such.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from .. import timeutil
from ..document.schema import validate
from ..errors import InputError
from ..safeio import parse_yaml, read_bounded


def load_waivers(path: Path) -> list[dict]:
    raw = read_bounded(path)
    data = parse_yaml(raw.text(), raw.display)
    validate(data, "waivers", raw.display)
    seen = set()
    for i, waiver in enumerate(data["waivers"]):
        if waiver["id"] in seen:
            raise InputError(raw.display, f"duplicate waiver id {waiver['id']!r}", f"/waivers/{i}/id")
        seen.add(waiver["id"])
        for field in ("approved", "expires"):
            if field in waiver:
                waiver[f"_{field}"] = timeutil.normalize(waiver[field], raw.display, f"/waivers/{i}/{field}")
    return data["waivers"]


def _matches(waiver: dict, finding: dict, document: dict) -> bool:
    names = {finding.get("subject", ""), document.get("document_id", ""), document.get("model", {}).get("name", "")}
    names |= {s.get("name", "") for s in document.get("subjects", [])}
    return any(fnmatchcase(name, pattern) for pattern in waiver["subjects"] for name in names if name)


def apply_waivers(findings: list[dict], waivers: list[dict], document: dict, as_of: dict) -> list[dict]:
    """Mark waived findings in place; return the status of every waiver."""
    report = []
    for waiver in waivers:
        status, reason = "applied", ""
        if "approved_by" not in waiver or "_approved" not in waiver:
            status, reason = "unapproved", "no approved_by and approved date"
        elif waiver["_approved"]["epoch_s"] > as_of["epoch_s"]:
            status, reason = "not_yet_valid", f"approved {waiver['_approved']['utc']}, after the evaluation date"
        elif waiver["_expires"]["epoch_s"] <= as_of["epoch_s"]:
            status, reason = "expired", f"expired {waiver['_expires']['utc']}"
        matched = [f for f in findings if f["rule"] == waiver["rule"] and _matches(waiver, f, document)]
        if status == "applied":
            for finding in matched:
                if not finding["waived"]:
                    finding["waived"] = True
                    finding["waiver"] = waiver["id"]
            if not matched:
                status, reason = "unused", "no finding matched"
        entry: dict[str, Any] = {"id": waiver["id"], "rule": waiver["rule"], "status": status,
                                 "findings": len(matched), "subjects": list(waiver["subjects"]),
                                 "justification": waiver["justification"], "expires": waiver["_expires"]["utc"]}
        if "approved_by" in waiver:
            entry["approved_by"] = dict(waiver["approved_by"])
        if reason:
            entry["reason"] = reason
        report.append(entry)
    return report
