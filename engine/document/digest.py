"""Digest of a canonical document: sha256 over its RFC 8785 canonical JSON.

The same facts give the same digest whatever the key order or whitespace of the file,
so a verdict can bind to "this document" rather than to one serialisation of it.
"""

from __future__ import annotations

import hashlib
from typing import Any

import rfc8785


def canonical_bytes(document: Any) -> bytes:
    return rfc8785.dumps(document)


def document_digest(document: Any) -> str:
    return hashlib.sha256(canonical_bytes(document)).hexdigest()
