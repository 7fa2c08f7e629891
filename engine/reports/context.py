"""What every report is made from: the verdict's statement, whether its signature verified (and
with which key), and optionally the canonical document it was computed from (checked against the
digest the verdict carries), for lineage and the approvals timeline."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from ..document.digest import document_digest
from ..document.schema import validate
from ..errors import InputError, MlgovError
from ..safeio import parse_json, read_bounded
from ..signing import dsse
from ..signing.trust import TrustedKey
from ..verdict.verify import verify
from .view import SEVERITY_ORDER, STATUS_ORDER, ReportView  # noqa: F401  (re-exported)
from .view import build as build_view


class VerdictRejected(MlgovError):
    """A verdict that fails verification is not reported on: exit 1."""

    exit_code = 1


@dataclass
class ReportContext:
    statement: dict[str, Any]
    verified: bool
    verification: str
    keyid: str | None
    verdict_path: str
    document: dict[str, Any] | None = None

    @property
    def predicate(self) -> dict[str, Any]:
        return self.statement["predicate"]

    @property
    def passed(self) -> bool:
        return self.predicate["verificationResult"] == "PASSED"

    @cached_property
    def view(self) -> ReportView:
        """The reading of the verdict that every format renders (see view.py)."""
        return build_view(self.predicate)

    def catalog_lines(self) -> list[str]:
        """The catalog versions that applied on the evaluation date (verdicts before catalogs were
        effective-dated carry none), and rules whose controls were all out of force."""
        applied = self.predicate.get("catalogs") or {}
        lines = [f"{c['regime']}: {c['version']}, {c['state'].replace('_', ' ')} on {applied['as_of']} "
                 f"(from {c['effective_from']}" + (f" until {c['effective_until']}" if c.get("effective_until") else "")
                 + f"; {c['source']}, {c['url']})" for c in applied.get("catalogs", [])]
        lines += [f"{r['rule']} maps only to controls not in force on {applied['as_of']}: {', '.join(r['controls'])}"
                  for r in applied.get("rules_not_in_force", [])]
        return lines

    def status_counts(self) -> dict[str, dict[str, int]]:
        return self.view.counts()


def load_context(verdict: Path, keys: list[TrustedKey], document: Path | None = None) -> ReportContext:
    raw = read_bounded(verdict)
    if keys:
        result = verify(verdict, keys)
        signature = next((c for c in result.checks if c.name == "signature"), None)
        if result.statement is None or signature is None or not signature.ok:
            failed = next((c for c in result.checks if not c.ok), None)
            raise VerdictRejected(f"{raw.display}: not reporting on a verdict that does not verify: "
                                  f"{failed.name + ': ' + failed.message if failed else 'unknown'}")
        statement, verified = result.statement, True
        verification = f"signature verified with trusted key {result.keyid}"
    else:
        envelope = parse_json(raw.text(), raw.display)
        try:
            _, payload, _ = dsse.decode(envelope)
        except dsse.EnvelopeError as exc:
            raise InputError(raw.display, str(exc)) from None
        statement = parse_json(payload.decode("utf-8", "replace"), f"{raw.display} (payload)")
        validate(statement, "verdict-statement", f"{raw.display} (payload)")
        verified, verification = False, "signature NOT verified: no trusted key was given (--key or --trust)"
    ctx = ReportContext(statement, verified, verification, result.keyid if keys else None, raw.display)
    if document is not None:
        doc_raw = read_bounded(document)
        doc = parse_json(doc_raw.text(), doc_raw.display)
        expected = statement["predicate"]["input"]["document_digest"]["sha256"]
        if document_digest(doc) != expected:
            raise InputError(doc_raw.display, f"is not the document this verdict was computed from "
                                              f"(verdict binds sha256:{expected[:16]}...)")
        ctx.document = doc
    return ctx


def payload_of(envelope: dict[str, Any]) -> dict[str, Any]:
    return json.loads(base64.b64decode(envelope["payload"]))
