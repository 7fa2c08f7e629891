"""Rego engines behind one interface: regorus (default), regopy, and a real OPA server."""

from .interface import ENGINES, RegoEngine, make_engine

__all__ = ["ENGINES", "RegoEngine", "make_engine"]
