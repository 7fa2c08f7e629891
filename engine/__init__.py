"""mlgov: policy-as-code compliance for the machine-learning model lifecycle.

The public API is small: ``normalize`` turns release metadata into the canonical document.
"""

from .errors import EXIT_CANNOT_EVALUATE, EXIT_OK, EXIT_POLICY_FAILURE, InputError, MlgovError
from .normalize import normalize

__version__ = "0.1.0"

__all__ = ["EXIT_CANNOT_EVALUATE", "EXIT_OK", "EXIT_POLICY_FAILURE", "InputError", "MlgovError", "normalize"]
