"""Error types that carry a human diagnostic and the exit code the CLI must use.

Exit codes are part of the product's contract: 0 pass, 1 policy failure, 2 could not
evaluate. Anything raised here means "could not evaluate", so the gate fails closed.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_POLICY_FAILURE = 1
EXIT_CANNOT_EVALUATE = 2


class MlgovError(Exception):
    """Base of every error we expect and explain; never a pass."""

    exit_code = EXIT_CANNOT_EVALUATE

    def one_line(self) -> str:
        return " ".join(str(self).split())


class InputError(MlgovError):
    """Bad input: names the file and, where possible, the field as a JSON pointer."""

    def __init__(self, file: str | None, message: str, pointer: str | None = None) -> None:
        self.file = file
        self.pointer = pointer
        self.message = message
        where = file or "<input>"
        if pointer is not None:
            where = f"{where}: {pointer or '/'}"
        super().__init__(f"{where}: {message}")


class LineageError(InputError):
    """The lineage graph is not a DAG or references unknown nodes."""


class EvaluationError(MlgovError):
    """A pack could not be read or run, or a rule broke the contract: never an empty pass."""

    def __init__(self, where: str, message: str) -> None:
        self.where = where
        self.message = message
        super().__init__(f"{where}: {message}")
