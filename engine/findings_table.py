"""Terminal output of evaluation results and policy tests (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}


def print_findings(result: dict[str, Any], console: Console) -> None:
    engine = result["engine"]
    packs = ", ".join(f"{p['name']} {p['version']} ({p['digest'][:19]}…)" for p in result["packs"])
    console.print(f"[bold]{escape(result['document_id'])}[/bold] as of {result['as_of']['utc']} · "
                  f"engine {escape(engine['version'])}"
                  + (f" · cross-checked with {escape(engine['cross_check'])}" if "cross_check" in engine else ""))
    console.print(f"packs: {escape(packs)}")
    if result["findings"]:
        table = Table(show_edge=False, expand=False)
        for column in ("severity", "rule", "subject", "message", "evidence", "controls"):
            table.add_column(column, overflow="fold")
        for f in result["findings"]:
            severity = f"[{_STYLE[f['severity']]}]{f['severity']}[/]"
            if f["waived"]:
                severity += f" [dim](waived: {escape(f['waiver'])})[/dim]"
            table.add_row(severity, f["rule"], escape(f["subject"]), escape(f["message"]),
                          escape(", ".join(e["pointer"] for e in f["evidence"])), escape(", ".join(f["controls"])))
        console.print(table)
    for w in result["waivers"]:
        if w["status"] != "applied":
            console.print(f"[yellow]waiver {escape(w['id'])} ({w['rule']}): {w['status']}"
                          f"{' - ' + escape(w['reason']) if 'reason' in w else ''}[/yellow]")
    summary = result["summary"]
    counts = ", ".join(f"{n} {s}" for s, n in summary["by_severity"].items() if n)
    console.print(f"{summary['total'] - summary['waived']} open findings ({counts or 'none'}), "
                  f"{summary['waived']} waived")


def print_test_results(results: list, console: Console) -> None:
    table = Table(show_edge=False)
    for column in ("result", "pack", "test", "engine", "detail"):
        table.add_column(column, overflow="fold")
    for r in results:
        mark = "[green]PASS[/green]" if r.passed else "[red]FAIL[/red]"
        table.add_row(mark, r.pack, escape(r.name), r.engine, escape(r.detail or r.location))
    console.print(table)
    failed = sum(not r.passed for r in results)
    console.print(f"{len(results) - failed} passed, {failed} failed")


def print_coverage(covered: dict, threshold: float | None, console: Console) -> None:
    """Line coverage per pack and file (OPA's), with the lines no test reached."""
    from .policycoverage import total

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
