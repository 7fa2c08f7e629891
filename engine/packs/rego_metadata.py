"""Rule metadata from OPA ``# METADATA`` annotations, parsed by us.

Neither in-process engine implements ``rego.metadata.*``, so packs never call it; the
annotations stay standard OPA syntax (``opa check`` and ``opa inspect -a`` read them too).
A package under ``mlgov.rules.`` is a rule: it needs a package-scope annotation with
``custom.id``, ``custom.severity`` and ``custom.controls``.
"""

from __future__ import annotations

import re
from typing import Any

from ..document.schema import validate
from ..errors import EvaluationError, InputError
from ..safeio import parse_yaml
from .model import RuleMeta

RULE_NAMESPACE = "mlgov.rules."
_PACKAGE = re.compile(r"^package\s+([A-Za-z_][\w.]*)\s*(#.*)?$")


def package_of(text: str, file: str) -> tuple[str, int]:
    for number, line in enumerate(text.splitlines(), start=1):
        match = _PACKAGE.match(line.strip())
        if match:
            return match[1], number
    raise EvaluationError(file, "no package declaration")


def annotations(text: str, file: str) -> list[tuple[int, dict[str, Any], int]]:
    """[(line of the next statement, annotation, line of '# METADATA')] for every block."""
    lines = text.splitlines()
    out = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == "# METADATA":
            start = i + 1
            j = start
            block = []
            while j < len(lines) and lines[j].lstrip().startswith("#"):
                body = lines[j].lstrip()[1:]
                block.append(body[1:] if body.startswith(" ") else body)
                j += 1
            try:
                data = parse_yaml("\n".join(block), f"{file}:{start}") if block else {}
            except InputError as exc:
                raise EvaluationError(f"{file}:{start}", f"METADATA is not valid YAML: {exc.message}") from None
            if not isinstance(data, dict):
                raise EvaluationError(f"{file}:{start}", "METADATA must be a YAML mapping")
            while j < len(lines) and not lines[j].strip():
                j += 1
            out.append((j + 1, data, start))
            i = j
        else:
            i += 1
    return out


def rule_meta(text: str, file: str, pack: str) -> RuleMeta | None:
    """Metadata of the rule a module defines, or None for a library module."""
    package, line = package_of(text, file)
    if not package.startswith(RULE_NAMESPACE):
        return None
    found = [(ann, start) for target, ann, start in annotations(text, file) if target == line]
    if not found:
        raise EvaluationError(f"{file}:{line}", f"rule package {package} has no '# METADATA' annotation")
    ann, start = found[0]
    custom = ann.get("custom") or {}
    body = {"title": ann.get("title"), "description": ann.get("description"), **custom}
    body = {k: v for k, v in body.items() if v is not None}
    try:
        validate(body, "rule-metadata", f"{file}:{start}")
    except InputError as exc:
        raise EvaluationError(f"{file}:{start}", f"METADATA {exc.pointer}: {exc.message}") from None
    return RuleMeta(id=body["id"], title=body["title"], severity=body["severity"],
                    controls=tuple(body["controls"]), pack=pack, file=file, line=line,
                    description=body.get("description", ""), remediation=body.get("remediation", ""))
