"""The command line. ``main`` is the entry point; importing the command modules registers them."""

from . import approval_cmds, audit_cmds, document_cmds, log_cmds, policy_cmds, verdict_cmds  # noqa: F401  (registration)
from .app import main

__all__ = ["main"]
