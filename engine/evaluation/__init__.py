"""Evaluation: run rule packs over one canonical document and return findings."""

from .evaluate import evaluate

__all__ = ["evaluate"]
