"""Real OPA (v1.20.2), in process, from the hash-pinned ``opa-golib-python-bindings`` wheel.

The packs are OPA Rego, so OPA's answer is the definition of right: this is the reference engine
the suite cross-checks regorus against, and the only one that measures policy coverage. The
wheel embeds OPA's Go ``rego`` package as a c-shared library behind a ctypes wrapper; its
metadata claims Python >= 3.14 but it is ``py3-none`` and runs on 3.11, so it is installed from
``requirements/opa.txt`` with ``--no-deps --ignore-requires-python --require-hashes``.
Compile errors and builtin errors are raised (OPA's strict builtin errors), never undefined.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version
from typing import Any

from ..errors import EvaluationError
from ..packs.model import RegoModule
from .interface import RULES_QUERY, RegoEngine, first_line

DISTRIBUTION = "opa-golib-python-bindings"
PINNED_VERSION = "0.4.4"
OPA_VERSION = "1.20.2"  # what that wheel embeds (github.com/open-policy-agent/opa/v1)
_RULES_PATH = RULES_QUERY.removeprefix("data.")
# OPA errors read "1 error occurred: FILE:LINE: rego_parse_error: message" or "FILE:LINE: eval_...: message"
_LOCATED = re.compile(r"(?P<file>[^\s:]+\.rego):(?P<line>\d+):\s*(?P<msg>.+)")
_COUNT = re.compile(r"(?P<n>\d+) errors? occurred")


@cache
def _bindings() -> Any:
    try:
        installed = dist_version(DISTRIBUTION)
    except PackageNotFoundError:
        raise EvaluationError("opa", f"the in-process OPA engine needs {DISTRIBUTION}=={PINNED_VERSION} "
                                     "(pip install --no-deps --ignore-requires-python --require-hashes "
                                     "-r requirements/opa.txt)") from None
    if installed != PINNED_VERSION:
        raise EvaluationError("opa", f"{DISTRIBUTION} {installed} is installed; mlgov is pinned to "
                                     f"{PINNED_VERSION} (install requirements/opa.txt)")
    try:
        import opa_bindings
    except OSError as exc:  # the Go shared library could not be loaded (platform, glibc)
        raise EvaluationError("opa", f"cannot load OPA's shared library: {first_line(str(exc))}") from None
    return opa_bindings


def opa_message(text: str) -> tuple[str | None, str]:
    """(file:line, message) of OPA's first error; OPA names the module and line itself."""
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip()]
    count = _COUNT.match(lines[0]) if lines else None
    for line in lines:
        match = _LOCATED.search(line)
        if match:
            more = f" (and {int(count['n']) - 1} more)" if count and int(count["n"]) > 1 else ""
            return f"{match['file']}:{match['line']}", match["msg"].strip() + more
    return None, first_line(text)


class OpaEngine(RegoEngine):
    name = "opa"

    def __init__(self) -> None:
        self._engine: Any = None
        #: When set, every evaluation records OPA's coverage report and hands it to this callable.
        self.coverage_sink: Callable[[dict[str, Any] | None], None] | None = None

    def version(self) -> str:
        return f"opa {OPA_VERSION} in process ({DISTRIBUTION} {PINNED_VERSION})"

    def prepare(self, modules: Sequence[RegoModule]) -> None:
        bindings = _bindings()
        try:
            engine = bindings.OpaEngine()
        except OSError as exc:
            raise EvaluationError("opa", f"cannot start OPA: {first_line(str(exc))}") from None
        for module in modules:
            try:
                engine.add_policy(module.path, module.text)
            except bindings.OpaError as exc:
                where, message = opa_message(exc.message)
                raise EvaluationError(where or module.path, f"Rego error: {message}") from None
        self._engine = engine

    def evaluate(self, input_: dict[str, Any]) -> dict[str, Any]:
        defined, value = self.value(_RULES_PATH, input_, coverage=self.coverage_sink is not None)
        if self.coverage_sink is not None:
            self.coverage_sink(self.last_coverage)
        return value if defined else {}

    def value(self, path: str, input_: dict[str, Any] | None, coverage: bool = False) -> tuple[bool, Any]:
        """(defined, value) of ``data.<path>``, optionally recording coverage (see last_coverage)."""
        bindings = _bindings()
        if self._engine is None:
            raise EvaluationError("opa", "engine used before prepare()")
        try:
            return True, self._engine.eval_document(path, input_, coverage=coverage)
        except bindings.OpaUndefinedError:
            return False, None
        except bindings.OpaError as exc:
            where, message = opa_message(exc.message)
            raise EvaluationError(where or "opa", f"Rego evaluation error: {message}") from None

    @property
    def last_coverage(self) -> dict[str, Any] | None:
        """OPA's coverage report of the last evaluation made with ``coverage=True``."""
        return self._engine.last_coverage if self._engine is not None else None
