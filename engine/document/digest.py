"""Digest of a canonical document: sha256 over its RFC 8785 canonical JSON.

The same facts give the same digest whatever the key order or whitespace of the file,
so a verdict can bind to "this document" rather than to one serialisation of it.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
import rfc8785

_SAFE_INTEGER = 2**53 - 1


class _Exact(Exception):
    """The value needs the reference implementation."""


def canonical_bytes(document: Any) -> bytes:
    """RFC 8785 bytes. ``rfc8785`` (pure Python) is the reference: ~5 ms for a 100 KiB document,
    most of a gate's own time. orjson with sorted keys writes the same bytes for strings, integers,
    booleans and null; numbers with a fraction or exponent are written by ``rfc8785`` (ECMAScript
    form) and spliced in. Anything else (keys outside the Basic Multilingual Plane, which RFC 8785
    sorts by UTF-16 code unit; integers beyond 2**53; other types; lone surrogates) goes to the
    reference, which also raises its own errors. Tests compare both on generated documents."""
    try:
        return orjson.dumps(_fragments(document), option=orjson.OPT_SORT_KEYS)
    except (_Exact, orjson.JSONEncodeError, rfc8785.CanonicalizationError):
        return rfc8785.dumps(document)


def _fragments(node: Any) -> Any:
    """The value with each float replaced by its RFC 8785 text; containers without floats are
    returned as they are (not copied)."""
    kind = type(node)
    if kind is dict:
        changed = None
        for key, value in node.items():
            if type(key) is not str or (not key.isascii() and max(key) > "\uffff"):
                raise _Exact
            new = _scalar(value) if type(value) not in (dict, list) else _fragments(value)
            if new is not value:
                changed = changed if changed is not None else dict(node)
                changed[key] = new
        return node if changed is None else changed
    if kind is list:
        out = None
        for i, value in enumerate(node):
            new = _scalar(value) if type(value) not in (dict, list) else _fragments(value)
            if new is not value:
                out = out if out is not None else list(node)
                out[i] = new
        return node if out is None else out
    return _scalar(node)


def _scalar(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        if -_SAFE_INTEGER <= value <= _SAFE_INTEGER:
            return value
        raise _Exact
    if kind is float:
        return orjson.Fragment(rfc8785.dumps(value))
    raise _Exact


def document_digest(document: Any) -> str:
    """Digest of the facts as the sources state them. The gate's judgement of each approval's
    signature (``approvals[].authentication``) is left out: it depends on the approver policy,
    which the verdict's policy digest covers, not on the inputs."""
    if isinstance(document, dict) and any("authentication" in a for a in document.get("approvals") or []
                                          if isinstance(a, dict)):
        document = {**document, "approvals": [{k: v for k, v in a.items() if k != "authentication"}
                                              for a in document["approvals"]]}
    return hashlib.sha256(canonical_bytes(document)).hexdigest()


# What an approver approves: the release's facts, not how they were collected (sources,
# provenance, conflicts), not the approvals themselves, and not what happens after approval
# (deployments, monitoring evidence, retention events), so adding an approval or recording
# a deployment does not invalidate the approvals already given.
_NOT_APPROVED_CONTENT = ("approvals", "sources", "provenance", "conflicts", "deployments", "retention")


def content_digest(document: Any) -> str:
    """Digest of the release record an approval is bound to (see ``_NOT_APPROVED_CONTENT``)."""
    body = {k: v for k, v in document.items() if k not in _NOT_APPROVED_CONTENT}
    if isinstance(body.get("monitoring"), dict):
        body["monitoring"] = {k: v for k, v in body["monitoring"].items() if k != "evidence"}
    if isinstance(body.get("lineage"), dict):
        edges = [e for e in body["lineage"].get("edges", [])
                 if not any(str(e.get(end, "")).startswith("deployment:") for end in ("from", "to"))]
        body["lineage"] = {**body["lineage"], "edges": edges}
    return document_digest(body)
