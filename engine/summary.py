"""Human summary of a canonical document for the terminal (rich)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from .document.digest import document_digest


def _short(digest: dict | None) -> str:
    return f"sha256:{digest['sha256'][:12]}…" if digest else "[red]no digest[/red]"


def print_summary(document: dict[str, Any], console: Console) -> None:
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
    console.print(
        f"lineage: {len(lineage['nodes'])} nodes, {len(lineage['edges'])} edges · "
        + " · ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counts.items())
    )
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
