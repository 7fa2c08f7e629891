"""Pick the renderer for a format."""

from __future__ import annotations

import json

from . import ci_formats, html, markdown, oscal
from .context import ReportContext


def render(ctx: ReportContext, fmt: str) -> str:
    if fmt == "html":
        return html.render(ctx)
    if fmt == "md":
        return markdown.render(ctx)
    if fmt == "sarif":
        return ci_formats.sarif(ctx)
    if fmt == "junit":
        return ci_formats.junit(ctx)
    if fmt == "oscal":
        return oscal.render(ctx)
    body = {"verdict": ctx.verdict_path, "verified": ctx.verified, "verification": ctx.verification,
            "keyid": ctx.keyid, "subjects": ctx.statement["subject"], "predicate": ctx.predicate,
            "controls_summary": ctx.status_counts()}
    return json.dumps(body, indent=2) + "\n"
