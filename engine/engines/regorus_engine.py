"""regorus (Microsoft's Rust Rego), from the hash-pinned ``gordon-to-regorus`` package.

The default engine: errors are raised (fail closed) and evaluation is linear. One prepared engine
evaluates document after document (a new input each time; tests check the results equal those of
a fresh clone); each worker process prepares its own.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import cache
from importlib.metadata import version as dist_version
from typing import Any

import orjson

from ..errors import EvaluationError
from ..packs.model import RegoModule
from .interface import RULES_QUERY, RegoEngine, regorus_message

PINNED_VERSION = "0.13.0"


@cache
def _version() -> str:
    return f"gordon-to-regorus {dist_version('gordon-to-regorus')}"
os.environ.setdefault("RUST_BACKTRACE", "0")  # errors are reported in one line, not with a backtrace


def _regorus():
    import regorus

    installed = dist_version("gordon-to-regorus")
    if installed != PINNED_VERSION:
        raise EvaluationError("regorus", f"gordon-to-regorus {installed} is installed; mlgov is pinned to "
                                         f"{PINNED_VERSION} (install requirements/regorus.txt)")
    return regorus


class RegorusEngine(RegoEngine):
    name = "regorus"

    def __init__(self) -> None:
        self._engine: Any = None

    def version(self) -> str:
        return _version()

    def prepare(self, modules: Sequence[RegoModule]) -> None:
        engine = _regorus().Engine()
        for module in modules:
            try:
                engine.add_policy(module.path, module.text)
            except RuntimeError as exc:
                where, message = regorus_message(str(exc))
                raise EvaluationError(where or module.path, f"Rego error: {message}") from None
        self._engine = engine

    def fresh(self) -> Any:
        """A clone of the prepared engine (cheap; used per document and per test)."""
        if self._engine is None:
            raise EvaluationError("regorus", "engine used before prepare()")
        return self._engine.clone()

    def evaluate(self, input_: dict[str, Any]) -> dict[str, Any]:
        # The prepared engine is reused with a new input (cloning costs more than evaluating a
        # small document); an engine serves one thread: workers each prepare their own.
        engine = self._engine
        if engine is None:
            raise EvaluationError("regorus", "engine used before prepare()")
        try:
            # orjson: the input and the result are the biggest per-document costs after the engine itself
            engine.set_input_json(orjson.dumps(input_).decode())
            result = orjson.loads(engine.eval_query_as_json(RULES_QUERY))
        except RuntimeError as exc:
            where, message = regorus_message(str(exc))
            raise EvaluationError(where or "regorus", f"Rego evaluation error: {message}") from None
        rows = result.get("result") or []
        if not rows:
            return {}
        return rows[0]["expressions"][0]["value"]
