"""Parameter overrides (``--params FILE``) checked against what the packs declare.

An override for a pack that is not loaded, a parameter the pack does not declare, or a value
of another type than the pack's default would otherwise be ignored or misread without a word
(a misspelt ``alowed_licenses`` leaves the default in force). Each is refused with the file
and the JSON pointer of the offending key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import EvaluationError
from ..safeio import escape_pointer
from .model import Pack


class Params(dict):
    """Overrides by pack name, remembering the file they came from (for error messages)."""

    def __init__(self, data: dict, source: str) -> None:
        super().__init__(data)
        self.source = source


def check_params(packs: Sequence[Pack], params: dict | None) -> None:
    if not params:
        return
    source = getattr(params, "source", "--params")
    by_name = {p.name: p for p in packs}
    for name, overrides in params.items():
        where = f"/{escape_pointer(str(name))}"
        if name not in by_name:
            raise EvaluationError(source, f"{where}: no pack named {name!r} is loaded "
                                          f"(packs: {', '.join(sorted(by_name))})")
        if not isinstance(overrides, dict):
            raise EvaluationError(source, f"{where}: expected a mapping of parameter names to values")
        declared = by_name[name].params
        for key, value in overrides.items():
            at = f"{where}/{escape_pointer(str(key))}"
            if key not in declared:
                known = ", ".join(sorted(declared)) or "none"
                raise EvaluationError(source, f"{at}: pack {name} has no parameter {key!r} (its parameters: {known})")
            _same_shape(declared[key], value, at, source)


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if value is None:
        return "null"
    return {dict: "mapping", list: "list", str: "string"}.get(type(value), type(value).__name__)


def _same_shape(default: Any, value: Any, at: str, source: str) -> None:
    """The override must have the default's type; maps and lists are checked one level down."""
    if default is None:
        return
    if _kind(default) != _kind(value):
        raise EvaluationError(source, f"{at}: expected a {_kind(default)} (as the pack's default), "
                                      f"got a {_kind(value)}")
    if isinstance(default, dict):
        kinds = {_kind(v) for v in default.values()}
        for key, sub in value.items():
            sub_at = f"{at}/{escape_pointer(str(key))}"
            if key in default:
                _same_shape(default[key], sub, sub_at, source)
            elif len(kinds) == 1 and default:
                _same_shape(next(iter(default.values())), sub, sub_at, source)
    elif isinstance(default, list) and default:
        kinds = {_kind(v) for v in default}
        if len(kinds) == 1:
            for i, sub in enumerate(value):
                _same_shape(default[0], sub, f"{at}/{i}", source)


__all__ = ["Params", "check_params"]
