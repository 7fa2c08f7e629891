"""The rule contract: what a rule may return, checked before anything is reported.

A rule that returns something else is an evaluation error (exit 2) naming the rule's file
and line, never a finding quietly dropped.
"""

from __future__ import annotations

from typing import Any

from fastjsonschema import JsonSchemaException

from ..document.schema import fast_check, validator
from ..errors import EvaluationError
from ..packs.model import RuleMeta
from ..safeio import escape_pointer

_SUBJECT_PREFIX = {"datasets": "dataset", "features": "feature", "training_runs": "run",
                   "deployments": "deployment", "subjects": "artifact", "approvals": "approval",
                   "evaluations": "evaluation"}


def check_findings(rule: RuleMeta, value: Any, document: dict) -> list[dict]:
    """Validate a rule's ``findings`` value; return its elements."""
    if not isinstance(value, list):
        raise EvaluationError(rule.where, f"rule {rule.id}: `findings` must be an array, got {_kind(value)}")
    fast = fast_check("rule-finding")
    for i, finding in enumerate(value):
        try:
            fast(finding)
        except JsonSchemaException:
            errors = sorted(validator("rule-finding").iter_errors(finding), key=lambda e: list(e.absolute_path))
            field = "/".join(str(p) for p in errors[0].absolute_path) if errors else ""
            message = " ".join(errors[0].message.split())[:200] if errors else "does not match the finding schema"
            raise EvaluationError(rule.where, f"rule {rule.id}: finding {i}{' ' + field if field else ''}: "
                                              f"{message}") from None
        for pointer in finding["evidence"]:
            if not _parent_resolves(document, pointer):
                raise EvaluationError(rule.where, f"rule {rule.id}: finding {i}: evidence {pointer!r} "
                                                  "does not point into the document")
    return value


def default_subject(pointer: str, document: dict) -> str:
    """The entity a finding is about, from its first evidence pointer."""
    parts = pointer.split("/")
    if len(parts) >= 3 and parts[1] in _SUBJECT_PREFIX and parts[2].isdigit():
        items = document.get(parts[1], [])
        index = int(parts[2])
        if index < len(items) and "id" in items[index]:
            return f"{_SUBJECT_PREFIX[parts[1]]}:{items[index]['id']}"
    if len(parts) >= 5 and parts[1:3] == ["model", "base_models"] and parts[3].isdigit():
        bases = document.get("model", {}).get("base_models", [])
        if int(parts[3]) < len(bases):
            return f"model:{bases[int(parts[3])]['id']}"
    return document.get("document_id", "document")


def resolve(document: Any, pointer: str) -> tuple[bool, Any]:
    node = document
    if pointer == "":
        return True, node
    for token in pointer.split("/")[1:]:
        token = token.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False, None
    return True, node


def _parent_resolves(document: dict, pointer: str) -> bool:
    """Evidence of a *missing* field points at it; its parent must exist."""
    if pointer == "":
        return True
    parent = pointer.rsplit("/", 1)[0]
    found, node = resolve(document, parent)
    return found and isinstance(node, (dict, list))


def evidence_sources(document: dict, pointer: str, limit: int = 8) -> list[dict]:
    """Where the facts behind a pointer came from: the pointer's own provenance, else its children's."""
    provenance = document.get("provenance", {})
    if pointer in provenance:
        return provenance[pointer][:limit]
    out: list[dict] = []
    seen = set()
    prefix = pointer + "/"
    for key, sources in provenance.items():
        if key.startswith(prefix):
            for source in sources:
                ident = (source["source"], source.get("at"))
                if ident not in seen:
                    seen.add(ident)
                    out.append(source)
                    if len(out) >= limit:
                        return out
    return out


def _kind(value: Any) -> str:
    return "undefined" if value is None else type(value).__name__


__all__ = ["check_findings", "default_subject", "escape_pointer", "evidence_sources", "resolve"]
