"""The gate's job summary: one screen in the terminal, Markdown for CI job summaries."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from .gate import GateResult, blocking

MAX_LISTED = 10


def print_gate(result: GateResult, verdict_path: str | None, console: Console) -> None:
    p = result.predicate
    mark = "[bold green]PASS[/bold green]" if result.passed else "[bold red]FAIL[/bold red]"
    console.print(f"{mark}  {escape(p['input']['document_id'])} as of {p['evaluation']['as_of']['utc']} "
                  f"(fail on {p['decision']['fail_on']} and above)")
    console.print(f"  {escape(p['decision']['reason'])}")
    for s in result.statement["subject"]:
        console.print(f"  subject {escape(s['name'])} sha256:{s['digest']['sha256'][:16]}…")
    stops = blocking(p)
    for f in stops[:MAX_LISTED]:
        label = escape(f"[{f['severity']}]")
        console.print(f"  [red]✗[/red] {f['rule']} {label} {escape(f['subject'])}: {escape(f['message'])}")
    if len(stops) > MAX_LISTED:
        console.print(f"  … and {len(stops) - MAX_LISTED} more (see the verdict)")
    summary = p["summary"]
    console.print(f"  findings: {summary['total'] - summary['waived']} open, {summary['waived']} waived · packs: "
                  + ", ".join(f"{x['name']} {x['version']}" for x in p["packs"])
                  + f" · policy sha256:{p['policy']['digest']['sha256'][:16]}…")
    where = f"{verdict_path} " if verdict_path else ""
    console.print(f"  verdict {escape(where)}signed by {result.keyid[:23]}… valid until {p['validity']['not_after']}")


def markdown(result: GateResult) -> str:
    p = result.predicate
    icon = "✅ PASS" if result.passed else "❌ FAIL"
    lines = [f"### mlgov gate: {icon} — `{p['input']['document_id']}`", "",
             f"{p['decision']['reason']} (as of {p['evaluation']['as_of']['utc']}, "
             f"fail on {p['decision']['fail_on']} and above).",
             ""]
    stops = blocking(p)
    if stops:
        lines += ["| rule | severity | subject | finding |", "|---|---|---|---|"]
        lines += [f"| {f['rule']} | {f['severity']} | `{f['subject']}` | {f['message']} |" for f in stops[:MAX_LISTED]]
        lines.append("")
    lines.append("Subjects: " + ", ".join(f"`{s['name']}` (sha256:{s['digest']['sha256'][:12]}…)"
                                          for s in result.statement["subject"]))
    lines.append(f"Policy: {', '.join(x['name'] + ' ' + x['version'] for x in p['packs'])} "
                 f"(sha256:{p['policy']['digest']['sha256'][:12]}…); verdict signed by `{result.keyid}`.")
    return "\n".join(lines) + "\n"
