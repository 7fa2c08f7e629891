"""mlgov: policy-as-code compliance for the machine-learning model lifecycle.

The public API is small: ``normalize`` turns release metadata into the canonical document,
``evaluate`` runs rule packs over it, ``gate`` decides and signs, ``verify`` checks a verdict.
"""

from importlib import import_module
from typing import Any

from .errors import EXIT_CANNOT_EVALUATE, EXIT_OK, EXIT_POLICY_FAILURE, InputError, MlgovError
from .normalize import normalize  # eager: the submodule of the same name would otherwise shadow it

__version__ = "0.1.0"

# Imported on first use: a CLI command should not pay for engines and crypto it does not use.
_LAZY = {"evaluate": ".evaluation", "gate": ".verdict.gate", "verify": ".verdict.verify"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module 'mlgov' has no attribute {name!r}")

__all__ = ["EXIT_CANNOT_EVALUATE", "EXIT_OK", "EXIT_POLICY_FAILURE", "InputError", "MlgovError", "evaluate", "gate",
           "normalize", "verify"]
