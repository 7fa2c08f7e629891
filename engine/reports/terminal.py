"""Everything mlgov prints for people and CI logs, in one place beside the file renderers.

Two layouts, chosen by whether stdout is a terminal:
- a terminal gets one block per finding (severity, rule and subject on the first line; message
  and controls indented below, wrapped to the window), readable at 80 columns;
- a log (stdout not a terminal: CI, a pipe, a file) gets ONE line per finding at full width,
  ``severity | rule | subject | message | controls: ...``, never wrapped, so that grep and CI
  log viewers find every name whole.
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from ..document.digest import document_digest
from ..verdict.gate import GateResult
from .view import build as build_view

MAX_LISTED = 10
_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}


def console_for_stdout() -> Console:
    """A console that wraps only on a terminal: in a log, lines keep their full width."""
    probe = Console()
    if probe.is_terminal:
        return Console(highlight=False)
    return Console(highlight=False, soft_wrap=True, width=10_000, no_color=True)


def finding_line(f: dict[str, Any], controls: list[str] | None = None) -> str:
    """One finding as one plain line (logs, grep). `controls`: those to show (default: all mapped)."""
    waived = f" | waived: {f['waiver']}" if f.get("waived") else ""
    shown = f["controls"] if controls is None else controls
    return (f"{f['severity']} | {f['rule']} | {f['subject']} | {' '.join(f['message'].split())} | "
            f"controls: {', '.join(shown) or 'none'}{waived}")


def _finding_block(f: dict[str, Any], console: Console, mark: str = "", controls: list[str] | None = None) -> None:
    style = _STYLE[f["severity"]]
    shown = f["controls"] if controls is None else controls
    waived = f" [dim](waived: {escape(f['waiver'])})[/dim]" if f.get("waived") else ""
    console.print(f"{mark}[{style}]{f['severity']}[/] [bold]{f['rule']}[/bold] {escape(f['subject'])}{waived}")
    console.print(Padding(Text(f["message"]), (0, 0, 0, 4), expand=False))  # wrapped lines keep the indent
    if shown:
        console.print(Padding(Text(f"controls: {', '.join(shown)}", style="dim"), (0, 0, 0, 4), expand=False))


def print_finding(f: dict[str, Any], console: Console, mark: str = "", controls: list[str] | None = None) -> None:
    if console.is_terminal:
        _finding_block(f, console, mark, controls)
    else:
        console.print(escape(f"{mark}{finding_line(f, controls)}"), markup=True)


def print_findings(result: dict[str, Any], console: Console) -> None:
    """`mlgov eval`: the packs that ran, then every finding."""
    engine = result["engine"]
    packs = ", ".join(f"{p['name']} {p['version']} ({p['digest'][:19]}…)" for p in result["packs"])
    console.print(f"[bold]{escape(result['document_id'])}[/bold] as of {result['as_of']['utc']} · "
                  f"engine {escape(engine['version'])}"
                  + (f" · cross-checked with {escape(engine['cross_check'])}" if "cross_check" in engine else ""))
    console.print(f"packs: {escape(packs)}")
    for f in result["findings"]:
        print_finding(f, console)
    for w in result["waivers"]:
        if w["status"] != "applied":
            console.print(f"[yellow]waiver {escape(w['id'])} ({w['rule']}): {w['status']}"
                          f"{' - ' + escape(w['reason']) if 'reason' in w else ''}[/yellow]")
    summary = result["summary"]
    counts = ", ".join(f"{n} {s}" for s, n in summary["by_severity"].items() if n)
    console.print(f"{summary['total'] - summary['waived']} open findings ({counts or 'none'}), "
                  f"{summary['waived']} waived")


def print_gate(result: GateResult, verdict_path: str | None, console: Console) -> None:
    """`mlgov gate`: the decision, what it binds, and the findings that decided it."""
    p = result.predicate
    mark = "[bold green]PASS[/bold green]" if result.passed else "[bold red]FAIL[/bold red]"
    console.print(f"{mark}  {escape(p['input']['document_id'])} as of {p['timeVerified']} "
                  f"(fail on {p['decision']['fail_on']} and above)")
    console.print(Padding(Text(p["decision"]["reason"]), (0, 0, 0, 2), expand=False))
    for s in result.statement["subject"]:
        console.print(f"  subject {escape(s['name'])} sha256:{s['digest']['sha256'][:16]}…")
    # the same reading as the reports: controls of in-scope regimes, or the organisation's policy
    view = build_view(p)
    stops = [fv for fv in view.findings if fv.blocking]
    others = [fv for fv in view.findings if fv.violates and not fv.blocking]
    if console.is_terminal:
        for fv in stops[:MAX_LISTED]:
            _finding_block(fv.finding, console, "  [red]✗[/red] ", fv.controls)
        if len(stops) > MAX_LISTED:
            console.print(f"  … and {len(stops) - MAX_LISTED} more (see the verdict, or run in a pipe)")
    else:  # a log: every open finding, one line each, the blocking ones marked
        for fv in stops:
            print_finding(fv.finding, console, "BLOCKING | ", fv.controls)
        for fv in others:
            print_finding(fv.finding, console, "open | ", fv.controls)
    summary = p["summary"]
    console.print(f"  findings: {summary['total'] - summary['waived']} open, {summary['waived']} waived · packs: "
                  + ", ".join(f"{x['name']} {x['version']}" for x in p["packs"])
                  + f" · policy sha256:{p['policy']['digest']['sha256'][:16]}…")
    where = f"{verdict_path} " if verdict_path else ""
    console.print(f"  verdict {escape(where)}signed by {result.keyid[:23]}… valid until {p['validity']['not_after']}")


def gate_markdown(result: GateResult) -> str:
    """The gate's CI job summary (GitHub step summary), Markdown."""
    p = result.predicate
    icon = "✅ PASS" if result.passed else "❌ FAIL"
    lines = [f"### mlgov gate: {icon} — `{p['input']['document_id']}`", "",
             f"{p['decision']['reason']} (as of {p['timeVerified']}, fail on {p['decision']['fail_on']} and above).",
             ""]
    stops = [fv for fv in build_view(p).findings if fv.blocking]
    if stops:
        lines += ["| rule | severity | subject | finding | controls |", "|---|---|---|---|---|"]
        lines += [f"| {fv.rule} | {fv.severity} | `{fv.finding['subject']}` | "
                  f"{fv.finding['message'].replace('|', '/')} | {', '.join(fv.controls)} |"
                  for fv in stops[:MAX_LISTED]]
        if len(stops) > MAX_LISTED:
            lines.append(f"| … {len(stops) - MAX_LISTED} more in the verdict | | | | |")
        lines.append("")
    lines.append("Subjects: " + ", ".join(f"`{s['name']}` (sha256:{s['digest']['sha256'][:12]}…)"
                                          for s in result.statement["subject"]))
    lines.append(f"Policy: {', '.join(x['name'] + ' ' + x['version'] for x in p['packs'])} "
                 f"(sha256:{p['policy']['digest']['sha256'][:12]}…); verdict signed by `{result.keyid}`.")
    return "\n".join(lines) + "\n"


def print_test_results(results: list, console: Console) -> None:
    """`mlgov test`: one line per policy test."""
    if console.is_terminal:
        table = Table(show_edge=False)
        for column in ("result", "pack", "test", "engine", "detail"):
            table.add_column(column, overflow="fold")
        for r in results:
            mark = "[green]PASS[/green]" if r.passed else "[red]FAIL[/red]"
            table.add_row(mark, r.pack, escape(r.name), r.engine, escape(r.detail or r.location))
        console.print(table)
    else:
        for r in results:
            console.print(escape(f"{'PASS' if r.passed else 'FAIL'} | {r.pack} | {r.name} | {r.engine} | "
                                 f"{r.detail or r.location}"))
    failed = sum(not r.passed for r in results)
    console.print(f"{len(results) - failed} passed, {failed} failed")


def _short(digest: dict | None) -> str:
    return f"sha256:{digest['sha256'][:12]}…" if digest else "[red]no digest[/red]"


def print_document(document: dict[str, Any], console: Console) -> None:
    """`mlgov normalize`: a human summary of a canonical document."""
    model = document.get("model", {})
    title = f"{model.get('name', '[red]unnamed model[/red]')} {model.get('version', '')}".strip()
    console.print(f"[bold]{title}[/bold]  ({document['document_id']})")
    owner = model.get("owner", {})
    console.print(
        f"risk tier: {model.get('risk_tier', '[yellow]not stated[/yellow]')} · "
        f"regimes: {', '.join(model.get('regulatory_scope', [])) or '[yellow]none stated[/yellow]'} · "
        f"owner: {owner.get('name') or owner.get('team') or '[yellow]not stated[/yellow]'} · "
        f"commercial use: {model.get('intended_use', {}).get('commercial', '[yellow]not stated[/yellow]')}"
    )
    if model.get("base_models"):
        bases = ", ".join(f"{b.get('name', b['id'])} ({b.get('license', 'license?')})" for b in model["base_models"])
        console.print(f"base models: {bases}")
    subjects = Table(title="Subjects", title_justify="left", show_edge=False)
    for col in ("kind", "name", "version", "digest"):
        subjects.add_column(col)
    for s in document["subjects"]:
        subjects.add_row(s.get("kind", "?"), s.get("name", s["id"]), s.get("version", ""), _short(s.get("digest")))
    console.print(subjects)
    if document.get("datasets"):
        datasets = Table(title="Datasets", title_justify="left", show_edge=False)
        for col in ("name", "version", "license", "roles", "personal data"):
            datasets.add_column(col)
        for d in document["datasets"]:
            datasets.add_row(d.get("name", d["id"]), d.get("version", ""),
                             d.get("license", "[yellow]unknown[/yellow]"), ", ".join(d.get("roles", [])),
                             {True: "yes", False: "no"}.get(d.get("personal_data"), "?"))
        console.print(datasets)
    approvals = document.get("approvals", [])
    if approvals:
        table = Table(title="Approvals", title_justify="left", show_edge=False)
        for col in ("role", "approver", "decision", "when", "bound to"):
            table.add_column(col)
        for a in approvals:
            table.add_row(a.get("role", ""), a.get("approver", {}).get("name", ""), a.get("decision", ""),
                          a.get("timestamp", {}).get("utc", ""), _short(a.get("artifact_digest")))
        console.print(table)
    lineage = document["lineage"]
    counts = {key: len(document.get(key, [])) for key in ("training_runs", "evaluations", "deployments")}
    console.print(f"lineage: {len(lineage['nodes'])} nodes, {len(lineage['edges'])} edges · "
                  + " · ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counts.items()))
    primary = lineage.get("primary")
    if primary:
        ups = lineage["upstream"].get(primary, [])
        data = [u["node"] for u in ups if u["node"].startswith("dataset:")]
        console.print(f"upstream of {primary}: {len(ups)} nodes, {len(data)} datasets")
    sections = document.get("documentation", {}).get("model_card", {}).get("sections", {})
    if sections:
        console.print(f"model card sections: {', '.join(sorted(sections))}")
    console.print(f"sources: {len(document['sources'])} · facts with provenance: {len(document['provenance'])} · "
                  f"document sha256 (RFC 8785): {document_digest(document)[:16]}…")
    conflicts = document["conflicts"]
    if conflicts:
        console.print(f"[yellow]conflicts: {len(conflicts)}[/yellow]")
        for c in conflicts:
            values = "; ".join(f"{v['value']!r} from {v.get('source')}" for v in c["values"])
            console.print(f"  {c['field']}: {values}")
    else:
        console.print("conflicts: none")


def print_rule(rule: Any, controls: dict[str, Any], example: tuple[str, dict[str, Any]] | None,
               console: Console) -> None:
    """`mlgov explain RULE`: what the rule requires, which controls it serves, how to fix a finding,
    and a real finding it produced on its pack's own test case."""
    console.print(f"[bold]{rule.id}[/bold] {escape(rule.title)}")
    console.print(f"  pack {rule.pack} · severity {rule.severity} · defined at {rule.where}")
    console.print("\n[bold]What it checks[/bold]")
    console.print(f"  {escape(rule.description or rule.title)}")
    console.print("\n[bold]Controls[/bold]")
    for key in rule.controls:
        control = controls.get(key)
        text = f"{control.title} ({control.citation})" if control else "no catalog entry"
        console.print(f"  {escape(key)}: {escape(text)}")
    if not rule.controls:
        console.print("  none (a finding of this rule counts against the organisation's policy)")
    console.print("\n[bold]Remediation[/bold]")
    console.print("  " + escape(rule.remediation or "not written for this rule: state the missing or wrong fact in "
                                "the release record, or record an approved waiver"))
    console.print("\n[bold]Example finding[/bold]")
    if example is None:
        console.print("  none: no test case of the pack expects this rule to fire")
        return
    case, finding = example
    console.print(f"  from the pack's test case {escape(repr(case))}:")
    print_finding(finding, console, "  ")
    for ev in finding["evidence"]:
        console.print(f"    evidence: {escape(ev['pointer'])}")


def print_coverage(covered: dict, threshold: float | None, console: Console) -> None:
    """Line coverage per pack and file (OPA's), with the lines no test reached."""
    from ..policycoverage import total

    table = Table(show_edge=False)
    for column in ("pack", "file", "covered", "lines", "not reached"):
        table.add_column(column, overflow="fold")
    for pack, files in covered.items():
        for name, f in files.items():
            table.add_row(pack, escape(name), f"{f.percent:.1f}%", f"{f.covered}/{f.covered + f.not_covered}",
                          ", ".join(map(str, f.missed_lines[:20])) + (" ..." if len(f.missed_lines) > 20 else ""))
        whole = total(files)
        low = threshold is not None and whole.percent < threshold
        mark = f"[red]{whole.percent:.1f}% < {threshold:g}%[/red]" if low else f"{whole.percent:.1f}%"
        lines = f"{whole.covered}/{whole.covered + whole.not_covered}"
        table.add_row(f"[bold]{pack}[/bold]", "(pack)", mark, lines, "")
    console.print(table)
