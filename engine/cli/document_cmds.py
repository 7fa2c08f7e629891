"""Commands about the canonical document: normalize, validate, examples, lineage."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from ..document import validate_document
from ..normalize import normalize
from ..resources import example_bundles
from ..safeio import parse_json, read_bounded
from .app import MlgovError, _write_json, main, with_input_trust


@main.command("normalize")
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the canonical document here (JSON).")
@click.option("--format", "fmt", type=click.Choice(["summary", "json"]), default=None,
              help="What to print: a summary (default with -o) or the JSON document (default without -o).")
@with_input_trust
def normalize_cmd(inputs: tuple[str, ...], output: Path | None, fmt: str | None) -> None:
    """Merge a release bundle and/or metadata files into one canonical document.

    INPUTS are bundle directories, their mlgov.yaml, or files in any supported format
    (CycloneDX, SPDX 3, Hugging Face card, MLflow, OpenLineage, in-toto); earlier inputs
    win conflicts, which are reported in the document.
    """
    document = normalize(list(inputs))
    if output is not None:
        _write_json(document, output)
    if (fmt or ("summary" if output else "json")) == "json":
        if output is None:
            _write_json(document, None)
    else:
        from ..reports.terminal import print_document

        print_document(document, Console(highlight=False))
        if output is not None:
            click.echo(f"wrote {output}")


@main.command("validate")
@click.argument("document", type=click.Path(dir_okay=False, path_type=Path))
def validate_cmd(document: Path) -> None:
    """Check that DOCUMENT is a valid canonical artifact document."""
    raw = read_bounded(document)
    validate_document(parse_json(raw.text(), raw.display), raw.display)
    click.echo(f"{raw.display}: valid canonical document")


@main.command("examples")
@click.argument("name", required=False)
def examples_cmd(name: str | None) -> None:
    """List the bundled example bundles, or print the path of one."""
    bundles = example_bundles()
    if name is None:
        for key, path in bundles.items():
            click.echo(f"{key}\t{path}")
        return
    if name not in bundles:
        raise MlgovError(f"no example named {name!r} (have: {', '.join(bundles)})")
    click.echo(str(bundles[name]))


@main.command("lineage")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--node", help="Show upstream and downstream of this node (default: the released model).")
def lineage_cmd(inputs: tuple[str, ...], node: str | None) -> None:
    """Show what feeds a node and what depends on it, with the path for each."""
    document = normalize(list(inputs))
    lineage = document["lineage"]
    target = node or lineage.get("primary")
    known = {n["id"] for n in lineage["nodes"]}
    if target not in known:
        raise MlgovError(f"no lineage node {target!r} (have: {', '.join(sorted(known))})")
    console = Console(highlight=False)
    for direction in ("upstream", "downstream"):
        entries = lineage[direction].get(target, [])
        console.print(f"[bold]{direction} of {target}[/bold]: {len(entries)}")
        for entry in entries:
            steps = entry["path"][0]
            for via, hop in zip(entry["via"], entry["path"][1:], strict=True):
                steps += f" -[{via}]-> {hop}"
            console.print(f"  {escape(entry['node'])}: {escape(steps)}")
