"""Rego engines behind one interface: regorus (default), OPA in process (the reference), regopy
(optional), and a user's OPA server."""

from .interface import ENGINES, RegoEngine, make_engine

__all__ = ["ENGINES", "RegoEngine", "make_engine"]
