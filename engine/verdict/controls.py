"""Per-regime control roll-up from the rules that ran and what they found.

A control is *violated* when an open finding maps to it, *waived* when every finding that
maps to it is waived, and *satisfied* when rules mapping to it ran and found nothing.
(Controls no rule covers are *not assessed*; that needs the control catalogs.)
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ..packs.model import Pack


def roll_up(packs: list[Pack], findings: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, Any]]]:
    rules_of: dict[str, set[str]] = defaultdict(set)
    for pack in packs:
        for rule in pack.rules:
            for control in rule.controls:
                rules_of[control].add(rule.id)
    open_, waived = defaultdict(int), defaultdict(int)
    for finding in findings:
        for control in finding["controls"]:
            (waived if finding["waived"] else open_)[control] += 1
    out: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for control in sorted(rules_of):
        regime, _, clause = control.partition(":")
        status = "violated" if open_[control] else "waived" if waived[control] else "satisfied"
        out[regime][clause] = {"status": status, "rules": sorted(rules_of[control]),
                               "findings": open_[control] + waived[control]}
    return dict(sorted(out.items()))
