"""Template placeholders are not documentation: mark them once, when the document is built.

Model-card templates ship sections that say "[More Information Needed]", "TBD", "N/A" or
nothing at all. Counting such a section as documented would let a template pass every
documentation rule. The judgment is made here, once, so every rule and every engine sees the
same thing: a section whose text says nothing gets ``placeholder: true``, and every free-text
field of the model that says nothing is listed (by JSON pointer) in
``documentation.placeholder_fields``.
"""

from __future__ import annotations

import re
from typing import Any

from ..safeio import escape_pointer

# Whole-text placeholders (after markup and punctuation are removed, case-insensitive).
_PHRASES = (
    "more information needed", "more info needed", "needs more information", "information needed",
    "tbd", "tbc", "todo", "to do", "to be determined", "to be confirmed", "to be added", "to be completed",
    "coming soon", "n a", "na", "none", "not applicable", "unknown", "pending", "placeholder", "fill in",
    "fill me in", "insert here", "add here", "your text here", "lorem ipsum", "wip", "work in progress",
    "see above", "see below", "same as above",
)
_PHRASE_RX = re.compile(r"^(?:(?:" + "|".join(re.escape(p) for p in _PHRASES) + r")\s*)+$")
# Lines of the Hugging Face card template that only explain what to write.
_TEMPLATE_LINE = re.compile(
    r"^\s*(?:<!--.*?-->|\[more information needed\]|provide a (?:quick|longer) summary of .*)\s*$", re.I)
_MARKUP = re.compile(r"[\W_]+")
_HEADING = re.compile(r"^\s*#{1,6}\s")
_LABEL = re.compile(r"^\s*(?:[-*+]\s+)?(?:\*\*|__)[^*_]{1,80}?(?:\*\*|__)\s*:?\s*(?::\s*)?")
_MODEL_TEXT_FIELDS = (("model", "description"), ("model", "intended_use", "description"),
                      ("model", "owner", "name"), ("model", "owner", "team"))


def is_placeholder(text: Any) -> bool:
    """True when ``text`` carries no information: empty, template instructions or a placeholder."""
    if not isinstance(text, str):
        return False
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    lines = [ln for ln in text.splitlines() if ln.strip() and not _TEMPLATE_LINE.match(ln)]
    kept = []
    for line in lines:
        if _HEADING.match(line):  # a sub-heading is structure, not content
            continue
        line = _LABEL.sub("", line)  # "- **Training regime:** [More Information Needed]"
        plain = _MARKUP.sub(" ", line).strip().lower()
        if plain and not _PHRASE_RX.match(plain):
            kept.append(plain)
    return not kept


def annotate(document: dict[str, Any]) -> None:
    """Mark placeholder sections and list placeholder model fields, in place."""
    documentation = document.get("documentation")
    for part in ("model_card", "considerations"):
        holder = (documentation or {}).get(part)
        sections = holder.get("sections") if part == "model_card" and isinstance(holder, dict) else holder
        for section in (sections or {}).values():
            if isinstance(section, dict) and is_placeholder(section.get("text", "")):
                section["placeholder"] = True
    fields = []
    for path in _MODEL_TEXT_FIELDS:
        node: Any = document
        for part in path:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, str) and is_placeholder(node):
            fields.append("/" + "/".join(escape_pointer(p) for p in path))
    if fields:
        document.setdefault("documentation", {})["placeholder_fields"] = fields


__all__ = ["annotate", "is_placeholder"]
