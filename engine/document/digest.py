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
