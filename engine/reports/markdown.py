"""The same content as the HTML report, as Markdown for a pull-request comment or a wiki."""

from __future__ import annotations

from .context import SEVERITY_ORDER, STATUS_ORDER, ReportContext


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render(ctx: ReportContext) -> str:
    p = ctx.predicate
    lines = [f"# Compliance report: `{p['input']['document_id']}`", "",
             f"**{'PASSED' if ctx.passed else 'FAILED'}**: {p['decision']['reason']} "
             f"(fails on {p['decision']['fail_on']} and above). Evaluated as of {p['timeVerified']}; valid until "
             f"{p['validity']['not_after']}.", "", f"_{ctx.verification}_ (verdict `{ctx.verdict_path}`)", "",
             "## What this decision applies to", "", "| artifact | sha256 |", "|---|---|"]
    lines += [f"| {_cell(s['name'])} | `{s['digest']['sha256']}` |" for s in ctx.statement["subject"]]
    lines += ["", "## Controls by regime", "", "| regime | " + " | ".join(s.replace("_", " ") for s in STATUS_ORDER)
              + " |", "|---" * (len(STATUS_ORDER) + 1) + "|"]
    for regime, counts in ctx.status_counts().items():
        lines.append(f"| {regime} | " + " | ".join(str(counts[s]) for s in STATUS_ORDER) + " |")
    if ctx.catalog_lines():
        lines += ["", "Catalogs applied:", ""] + [f"- {_cell(line)}" for line in ctx.catalog_lines()]
    grouped = ctx.findings_by_control()
    lines += ["", "## Findings by control", ""]
    if not grouped:
        lines.append("No findings.")
    for control in sorted(grouped, key=lambda c: (min(SEVERITY_ORDER.index(f["severity"]) for f in grouped[c]), c)):
        lines += [f"### {control}", "", "| severity | rule | subject | finding | evidence |", "|---|---|---|---|---|"]
        for f in grouped[control]:
            evidence = "; ".join(f"`{ev['pointer']}` from " + (", ".join(f"{s['source']} @ {s.get('at', '')}"
                                                                       for s in ev["sources"]) or "derived")
                                 for ev in f["evidence"])
            severity = f["severity"] + (f" (waived: {f['waiver']})" if f["waived"] else "")
            lines.append(f"| {severity} | {f['rule']} | `{_cell(f['subject'])}` | {_cell(f['message'])} | "
                         f"{_cell(evidence)} |")
        lines.append("")
    if ctx.document is not None:
        lines += ["## Lineage", ""]
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
              "Verify independently: `mlgov verify VERDICT --key PUBLIC_KEY.pem --artifact ARTIFACT --require-pass`."]
    return "\n".join(lines) + "\n"
