"""Model-card sections from Markdown headings, mapped to the names policies check for.

Cards name their sections in many ways ("Intended uses & limitations", "Uses", "Direct Use");
policies ask for one canonical name each. Unmapped headings are kept under a slug.
"""

from __future__ import annotations

import re

from ..document.facts import FactList

# First matching pattern wins; order matters ("out-of-scope" before generic "use").
_CANONICAL: list[tuple[str, re.Pattern[str]]] = [
    (name, re.compile(rx, re.I))
    for name, rx in [
        ("out_of_scope_use", r"out[- ]of[- ]scope|misuse|prohibited use"),
        ("intended_use", r"intended|^uses?$|direct use|downstream use|how to use|use cases?"),
        ("limitations", r"limitation|bias|risks?\b|caveat|known issues"),
        ("human_oversight", r"human oversight|human[- ]in[- ]the[- ]loop|oversight"),
        ("monitoring_plan", r"monitoring|post[- ]market|drift"),
        ("training_data", r"training data|training details|data(set)?s?( used)?$|data sources"),
        ("evaluation", r"evaluation|results|performance|metrics|validation"),
        ("risk_management", r"risk management|risk assessment"),
        ("ethical_considerations", r"ethic|fairness"),
        ("robustness_cybersecurity", r"robustness|security|adversarial"),
        ("change_control", r"change control|pccp|predetermined change"),
        ("model_details", r"model details|model description|overview|architecture|description"),
        ("environmental_impact", r"environmental|carbon|energy"),
        ("contact", r"contact|maintainer|authors?$|card authors"),
        ("license", r"^licen[cs]e"),
        ("citation", r"citation|bibtex"),
    ]
]
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
MAX_SECTION_TEXT = 20_000


def _mapped(title: str) -> str | None:
    """The canonical name a heading maps to, or None when it maps to none."""
    clean = re.sub(r"[^\w\s&/-]", "", title).strip()
    return next((name for name, rx in _CANONICAL if rx.search(clean)), None)


def canonical_section(title: str) -> str:
    return _mapped(title) or _slug(title) or "untitled"


def section_facts(facts: FactList, body: str, first_line: int, source_path: str) -> None:
    """Sections at heading levels 2-3 (level 1 is the card title); merged by canonical name."""
    found: dict[str, dict] = {}
    current: dict | None = None
    in_fence = False
    for offset, line in enumerate(body.splitlines()):
        if _FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else _HEADING.match(line)
        if match and len(match[1]) in (2, 3):
            mapped = _mapped(match[2])
            name = mapped or _slug(match[2]) or "untitled"
            # an unmapped sub-heading belongs to its parent; a mapped one ("### Intended Use" under
            # "## Use and Limitations") is a section of its own, even when its name equals its slug
            if len(match[1]) == 3 and current is not None and mapped is None:
                current["lines"].append(line)
                continue
            current = found.setdefault(name, {"title": match[2], "line": first_line + offset, "lines": []})
        elif current is not None:
            current["lines"].append(line)
    base = ("documentation", "model_card")
    if found:
        facts.add((*base, "source"), source_path, f"line {first_line}")
    for name, sec in found.items():
        content = "\n".join(sec["lines"]).strip()
        at = f"line {sec['line']}"
        facts.add((*base, "sections", name), {
            "title": sec["title"], "chars": len(content), "text": content[:MAX_SECTION_TEXT]}, at)


def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", re.sub(r"[^\w\s&/-]", "", title).strip().lower()).strip("_")
