"""Pick the renderer for a format."""

from __future__ import annotations

import json

from . import html, junit, markdown, oscal, sarif
from .context import ReportContext


def render(ctx: ReportContext, fmt: str) -> str:
    if fmt == "html":
        return html.render(ctx)
    if fmt == "md":
        return markdown.render(ctx)
    if fmt == "sarif":
        return sarif.sarif(ctx)
    if fmt == "junit":
        return junit.junit(ctx)
    if fmt == "oscal":
        return oscal.render(ctx)
    body = {"verdict": ctx.verdict_path, "verified": ctx.verified, "verification": ctx.verification,
            "keyid": ctx.keyid, "subjects": ctx.statement["subject"], "predicate": ctx.predicate,
            "controls_summary": ctx.status_counts(), "report": _view_json(ctx)}
    return json.dumps(body, indent=2) + "\n"


def _view_json(ctx: ReportContext) -> dict:
    """The reading every format renders (view.py): in-scope controls and numbered findings."""
    view = ctx.view
    return {"in_scope": [r for r in view.regimes], "out_of_scope": view.out_of_scope,
            "controls": {r: {c.id: {"status": c.status, "blocking": c.blocking, "findings": c.findings,
                                    "rules": c.rules} for c in cs} for r, cs in view.regimes.items()},
            "findings": [{"id": f.number, "rule": f.rule, "severity": f.severity, "subject": f.finding["subject"],
                          "blocking": f.blocking, "controls": f.controls, "controls_out_of_scope": f.out_of_scope,
                          "evidence": [{"pointer": x.pointer, "file": x.path, "at": x.at} for x in f.evidence]}
                         for f in view.findings]}
