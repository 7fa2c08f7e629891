"""The file formats we read, detected by content; a forced format must still match."""

from __future__ import annotations

from ..errors import InputError
from .cyclonedx import CycloneDX
from .hf_card import HuggingFaceCard
from .interface import Loaded, Source
from .intoto import InTotoStatement
from .mlflow import MLflowRegistry
from .openlineage import OpenLineage
from .spdx3 import SPDX3

SOURCES: tuple[Source, ...] = (CycloneDX(), SPDX3(), InTotoStatement(), MLflowRegistry(), OpenLineage(),
                               HuggingFaceCard())
BY_FORMAT = {s.format: s for s in SOURCES}


def detect(loaded: Loaded, forced: str | None = None, referrer: str | None = None,
           pointer: str | None = None) -> Source:
    """The one source that recognises the content; with ``forced``, that source must agree."""
    if forced is not None:
        source = BY_FORMAT.get(forced)
        if source is None:
            raise InputError(referrer or loaded.display,
                             f"unknown format {forced!r} (known: {', '.join(sorted(BY_FORMAT))})", pointer)
        if not source.detect(loaded):
            raise InputError(loaded.display, f"content is not {source.description}")
        return source
    matches = [s for s in SOURCES if s.detect(loaded)]
    if not matches:
        reasons = [r for r in (s.why_not(loaded) for s in SOURCES) if r]
        why = "; ".join(reasons) if reasons else _generic_reason(loaded)
        raise InputError(loaded.display, f"unknown format: {why} (formats read: {', '.join(sorted(BY_FORMAT))})")
    return matches[0]


def _generic_reason(loaded: Loaded) -> str:
    data = loaded.data
    if isinstance(data, dict):
        keys = ", ".join(sorted(map(str, data))[:8])
        return f"{loaded.syntax} object with keys {keys or '(none)'} is none of these formats"
    return f"{loaded.syntax} content of type {type(data).__name__} is none of these formats"
