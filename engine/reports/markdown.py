"""The same content as the HTML report, as Markdown for a pull-request comment or a wiki."""

from __future__ import annotations

from .context import STATUS_ORDER, ReportContext
from .verify_howto import SCRIPT, STEPS
from .view import ORG_POLICY, relative


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _regime(regime: str) -> str:
    return "Organisation policy" if regime == ORG_POLICY else regime


def render(ctx: ReportContext) -> str:
    p, view = ctx.predicate, ctx.view
    lines = [f"# Compliance report: `{p['input']['document_id']}`", "",
             f"**{'PASSED' if ctx.passed else 'FAILED'}**: {p['decision']['reason']} "
             f"(fails on {p['decision']['fail_on']} and above). Evaluated as of {p['evaluation']['as_of']['utc']}; "
             f"signed {p['timeVerified']}; valid until {p['validity']['not_after']}.",
             "", f"_{ctx.verification}_ (verdict `{ctx.verdict_path}`)", "",
             "## What this decision applies to", "", "| artifact | sha256 |", "|---|---|"]
    lines += [f"| {_cell(s['name'])} | `{s['digest']['sha256']}` |" for s in ctx.statement["subject"]]
    lines += ["", "## Controls by regime", "",
              "| regime | " + " | ".join(s.replace("_", " ") for s in STATUS_ORDER) + " | blocking |",
              "|---" * (len(STATUS_ORDER) + 2) + "|"]
    for regime, counts in view.counts().items():
        blocking = sum(c.blocking for c in view.regimes[regime])
        lines.append(f"| {_regime(regime)} | " + " | ".join(str(counts[s]) for s in STATUS_ORDER)
                     + f" | {blocking} |")
    if view.out_of_scope:
        lines += ["", f"Not applicable (outside the model's regulatory scope): {', '.join(view.out_of_scope)}."]
    if ctx.catalog_lines():
        lines += ["", "Catalogs applied:", ""] + [f"- {_cell(line)}" for line in ctx.catalog_lines()]
    violated = [c for cs in view.regimes.values() for c in cs if c.status in ("violated", "waived")]
    if violated:
        lines += ["", "| control | status | findings |", "|---|---|---|"]
        lines += [f"| {_cell(_regime(c.regime) + ' ' + c.id)} {_cell(c.title)} | "
                  f"{c.status}{' (blocks release)' if c.blocking else ''} | {', '.join(c.findings)} |"
                  for c in violated]
    lines += ["", "## Findings", ""]
    if not view.findings:
        lines.append("No findings.")
    else:
        lines += ["| # | severity | rule | subject | finding | controls | evidence |", "|---|---|---|---|---|---|---|"]
    for fv in view.findings:
        f = fv.finding
        evidence = "; ".join(f"`{x.pointer}` from " + (f"`{x.path}` at `{x.at}`" if x.path else "mlgov")
                             for x in fv.evidence)
        severity = f["severity"] + (f" (waived: {f['waiver']})" if f["waived"] else "") \
            + (" **blocks release**" if fv.blocking else "")
        controls = ", ".join(c.replace(ORG_POLICY + ":", "Organisation policy: ") for c in fv.controls) or "—"
        lines.append(f"| {fv.number} | {severity} | {f['rule']} | `{_cell(f['subject'])}` | {_cell(f['message'])} | "
                     f"{_cell(controls)} | {_cell(evidence)} |")
    if ctx.document is not None:
        lines += ["", "## Lineage", ""]
        lines += [f"- `{x['from']}` -[{x['type']}]-> `{x['to']}`" for x in ctx.document["lineage"]["edges"]]
        events = sorted((a["timestamp"]["utc"], f"{a.get('decision')} by {a.get('approver', {}).get('name', '?')} "
                                                f"({a.get('role')})") for a in ctx.document.get("approvals", [])
                        if a.get("timestamp"))
        lines += ["", "## Approvals timeline", ""] + [f"- {t}: {w}" for t, w in events]
    lines += ["", "## Waivers", ""]
    lines += [f"- {w['id']} ({w['rule']}): {w['status']}; {w.get('justification', '')}; expires {w.get('expires', '')}"
              for w in p["waivers"]] or ["None."]
    lines += ["", "## Policy", ""]
    lines += [f"- {x['name']} {x['version']} `{x['digest']}`" for x in p["packs"]]
    lines += [f"- policy digest `sha256:{p['policy']['digest']['sha256']}`", "",
              f"Input files (relative to `{view.source_root or '.'}`):", ""]
    lines += [f"- `{relative(x.get('path', ''), view.source_root)}` ({x.get('format', '')}) sha256 `{x.get('sha256')}`"
              for x in p["input"]["sources"]]
    lines += ["", "## How to verify this decision independently", ""]
    lines += [f"{i}. {step}" for i, step in enumerate(STEPS, 1)]
    lines += ["", "<details><summary>check.py</summary>", "", "```python", SCRIPT.rstrip(), "```", "", "</details>"]
    return "\n".join(lines) + "\n"
