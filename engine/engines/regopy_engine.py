"""regopy (Microsoft's rego-cpp), the second engine for cross-checks.

Always with ``strict_built_in_errors`` on: without it a failing builtin is silently
*undefined* and a rule that should fire finds nothing. rego-cpp reports no detail for
runtime errors through its Python API, so those errors name only the engine.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from collections.abc import Iterator, Sequence
from functools import cache
from importlib.metadata import version as dist_version
from typing import Any

from ..errors import EvaluationError
from ..packs.model import RegoModule
from .interface import RULES_QUERY, RegoEngine, first_line

_ERRMSG = re.compile(r"\(errormsg \d+:(?P<msg>[^)\n]*)")
_ERROR = re.compile(r"\(error \d+:(?P<file>[^|]+)\|(?P<offset>\d+)\|\d+\s+\(errormsg \d+:(?P<msg>[^)]*)\)")


@cache
def _dist(name: str) -> str:
    return dist_version(name)


@contextlib.contextmanager
def _native_quiet() -> Iterator[None]:
    """rego-cpp prints compile errors to the process's stdout from C++, whatever its log level;
    that would corrupt ``--format json`` output. Point fds 1 and 2 at /dev/null meanwhile (the
    error itself still reaches us through the API)."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [os.dup(1), os.dup(2)]
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (*saved, devnull):
            os.close(fd)


class RegopyEngine(RegoEngine):
    name = "regopy"

    def __init__(self) -> None:
        self._modules: list[RegoModule] = []
        self._interp: Any = None

    def version(self) -> str:
        return f"regopy {_dist('regopy')}"

    def prepare(self, modules: Sequence[RegoModule]) -> None:
        import regopy

        interp = regopy.Interpreter()
        interp.strict_built_in_errors = True
        texts = {m.path: m.text for m in modules}
        for module in modules:
            try:
                with _native_quiet():
                    interp.add_module(module.path, module.text)
            except regopy.RegoError as exc:
                raise EvaluationError(*_located(str(exc), texts, module.path)) from None
        # rego-cpp compiles lazily: a trivial query surfaces syntax errors now, with locations
        with _native_quiet():
            ok, text = _query(interp, "true")
        if not ok:
            raise EvaluationError(*_located(text, texts, "regopy"))
        self._modules = list(modules)
        self._interp = interp

    def evaluate(self, input_: dict[str, Any]) -> dict[str, Any]:
        import regopy

        if self._interp is None:
            raise EvaluationError("regopy", "engine used before prepare()")
        try:
            self._interp.set_input_term(json.dumps(input_))
            with _native_quiet():
                ok, text = _query(self._interp, RULES_QUERY)
        except regopy.RegoError as exc:
            texts = {m.path: m.text for m in self._modules}
            raise EvaluationError(*_located(str(exc), texts, "regopy")) from None
        if not ok or not text.startswith(("{", "undefined")):
            message = _ERRMSG.search(text)
            detail = message["msg"].strip() if message else "rego-cpp gives no detail; run with --engine regorus"
            raise EvaluationError("regopy", f"Rego evaluation error: {detail}")
        if text == "undefined":
            return {}
        try:
            return json.loads(text)["expressions"][0]
        except ValueError:  # seen: sprintf("%s", [concat(...)]) leaves unescaped quotes in the output
            raise EvaluationError("regopy", "rego-cpp returned malformed JSON for this query "
                                            "(a rego-cpp defect; see docs/writing-rules.md)") from None


def _query(interp: Any, query: str) -> tuple[bool, str]:
    """Query through regopy's C layer: its ``Output`` wrapper itself crashes (JSONDecodeError)
    when rego-cpp returns an error term instead of JSON, which would hide the message."""
    from regopy import rego_shared

    impl = rego_shared.rego_query(interp._impl, query)
    try:
        return rego_shared.rego_output_ok(impl), rego_shared.rego_output_string(impl)
    finally:
        rego_shared.rego_free_output(impl)


def _located(text: str, texts: dict[str, str], default: str) -> tuple[str, str]:
    """rego-cpp reports byte offsets; turn the first error into file:line and its message."""
    match = _ERROR.search(text)
    if not match:
        return default, f"Rego error: {first_line(text)}"
    file = match["file"]
    source = texts.get(file, "")
    line = source[: int(match["offset"])].count("\n") + 1
    return f"{file}:{line}", f"Rego error: {match['msg'].strip()}"
