"""One interface for every Rego engine: load the packs' modules once, then evaluate
``data.mlgov.rules`` once per document (all rules in one query; see ../shared/README.md §4).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from importlib.util import find_spec
from typing import Any

from ..errors import EvaluationError
from ..packs.model import RegoModule

RULES_QUERY = "data.mlgov.rules"
ENGINES = ("regorus", "opa", "regopy", "opa-server")
IN_PROCESS = ("regorus", "opa", "regopy")


class RegoEngine(ABC):
    name: str = ""

    @abstractmethod
    def version(self) -> str: ...

    @abstractmethod
    def prepare(self, modules: Sequence[RegoModule]) -> None:
        """Parse and compile every module; syntax errors raise EvaluationError(file:line)."""

    @abstractmethod
    def evaluate(self, input_: dict[str, Any]) -> dict[str, Any]:
        """The value of ``data.mlgov.rules`` for this input ({} when undefined)."""


def make_engine(name: str, opa_url: str | None = None) -> RegoEngine:
    if name == "regorus":
        from .regorus_engine import RegorusEngine

        return RegorusEngine()
    if name == "regopy":
        if find_spec("regopy") is None:
            raise EvaluationError("regopy", "the optional rego-cpp engine is not installed "
                                            "(pip install 'mlgov[regopy]')")
        from .regopy_engine import RegopyEngine

        return RegopyEngine()
    if name == "opa":
        from .opa_inprocess import OpaEngine

        return OpaEngine()
    if name == "opa-server":
        if not opa_url:
            raise EvaluationError("--engine opa-server", "needs --opa-url (e.g. http://127.0.0.1:8181)")
        from .opa_server import OpaServerEngine

        return OpaServerEngine(opa_url)
    raise EvaluationError("--engine", f"unknown engine {name!r} (known: {', '.join(ENGINES)})")


def first_line(text: str) -> str:
    """Engines attach backtraces and source excerpts; a one-line error keeps the message."""
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip()]
    return lines[0] if lines else "unknown error"


_RUST_LOCATION = re.compile(r"-->\s*(?P<file>.+?):(?P<line>\d+):(?P<col>\d+)")
_RUST_ERROR = re.compile(r"^error:\s*(?P<msg>.+)$", re.M)


def regorus_message(text: str) -> tuple[str | None, str]:
    """(file:line, message) from a regorus error with its source excerpt."""
    loc = _RUST_LOCATION.search(text)
    err = _RUST_ERROR.search(text)
    message = err["msg"].strip() if err else first_line(text)
    return (f"{loc['file']}:{loc['line']}" if loc else None), message
