"""Command line: a thin layer over the Python API; every failure is one line and exit 2."""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from . import __version__
from .document import validate_document
from .errors import EXIT_CANNOT_EVALUATE, MlgovError
from .normalize import normalize
from .resources import builtin_packs, example_bundles
from .safeio import parse_json, parse_yaml, read_bounded
from .summary import print_summary


class _FailClosedGroup(click.Group):
    """Turns every error into one line on stderr and exit code 2, never a traceback or a pass."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except MlgovError as exc:
            click.echo(f"mlgov: error: {exc.one_line()}", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except Exception as exc:  # fail closed on our own bugs too
            if os.environ.get("MLGOV_DEBUG"):
                traceback.print_exc()
            detail = " ".join(str(exc).split())[:300]
            click.echo(f"mlgov: internal error: {type(exc).__name__}: {detail} "
                       "(set MLGOV_DEBUG=1 for a traceback)", err=True)
            ctx.exit(EXIT_CANNOT_EVALUATE)


@click.group(cls=_FailClosedGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mlgov")
def main() -> None:
    """mlgov: policy-as-code compliance for ML model releases.

    Exit codes: 0 success, 1 policy failure, 2 could not evaluate (fails closed).
    """


def _write_json(data: object, out: Path | None) -> None:
    text = json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False) + "\n"
    if out is None:
        sys.stdout.write(text)
        return
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)  # never leave a half-written document behind


@main.command("normalize")
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the canonical document here (JSON).")
@click.option("--format", "fmt", type=click.Choice(["summary", "json"]), default=None,
              help="What to print: a summary (default with -o) or the JSON document (default without -o).")
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
        print_summary(document, Console(highlight=False))
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


_SEVERITIES = ("critical", "high", "medium", "low", "info")


def _as_of(value: str | None) -> dict:
    from datetime import UTC, datetime

    from . import timeutil

    if value is None:
        return timeutil.from_datetime(datetime.now(UTC).replace(microsecond=0))
    return timeutil.normalize(value, "--as-of", None)


def _params(path: Path | None) -> dict:
    if path is None:
        return {}
    raw = read_bounded(path)
    data = parse_yaml(raw.text(), raw.display)
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise MlgovError(f"{raw.display}: expected a mapping of pack name to parameters")
    return data


def _packs(dirs: tuple[Path, ...]) -> list:
    from .packs import load_packs

    return load_packs(list(dirs) or builtin_packs())


@main.command("eval")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--packs", "pack_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Rule pack directory (repeatable). Default: every built-in pack.")
@click.option("--as-of", help="Evaluation date (RFC 3339 or YYYY-MM-DD). Default: now, recorded in the output.")
@click.option("--engine", type=click.Choice(["regorus", "regopy", "opa"]), default="regorus", show_default=True)
@click.option("--cross-check", type=click.Choice(["regorus", "regopy", "opa"]),
              help="Also evaluate the Rego rules with this engine; any difference fails closed.")
@click.option("--opa-url", help="OPA server for --engine/--cross-check opa, e.g. http://127.0.0.1:8181")
@click.option("--waivers", type=click.Path(dir_okay=False, path_type=Path), help="Waiver file (YAML).")
@click.option("--params", "params_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Pack parameters to override: {pack name: {param: value}} (YAML).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--fail-on", type=click.Choice(_SEVERITIES), default="info", show_default=True,
              help="Exit 1 when an open finding is at least this severe.")
def eval_cmd(inputs: tuple[str, ...], pack_dirs: tuple[Path, ...], as_of: str | None, engine: str,
             cross_check: str | None, opa_url: str | None, waivers: Path | None, params_file: Path | None,
             fmt: str, fail_on: str) -> None:
    """Evaluate rule packs over a bundle, metadata files or a canonical document.

    Exit 0: no open finding at --fail-on or above; 1: there is one; 2: could not evaluate.
    """
    from .evaluation import evaluate
    from .evaluation.waivers import load_waivers
    from .packs.model import severity_rank

    when = _as_of(as_of)
    packs = _packs(pack_dirs)
    document = normalize(list(inputs))
    result = evaluate(document, packs, when, engine=engine, cross_check=cross_check, opa_url=opa_url,
                      waivers=load_waivers(waivers) if waivers else (), params=_params(params_file),
                      validated=True)  # normalize() validated it
    if fmt == "json":
        _write_json(result, None)
    else:
        from .findings_table import print_findings

        print_findings(result, Console(highlight=False))
    failing = [f for f in result["findings"]
               if not f["waived"] and severity_rank(f["severity"]) >= severity_rank(fail_on)]
    if failing:
        raise SystemExit(1)


@main.command("test")
@click.argument("pack_dirs", nargs=-1, type=click.Path(file_okay=False, path_type=Path))
@click.option("--engine", "engines", multiple=True, type=click.Choice(["regorus", "regopy"]),
              help="Engines to run case tests on (default: both in-process engines).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def test_cmd(pack_dirs: tuple[Path, ...], engines: tuple[str, ...], fmt: str) -> None:
    """Run the tests of rule packs (default: every built-in pack). Exit 0 only if all pass."""
    from .policytest import IN_PROCESS_ENGINES, run_pack_tests

    results = []
    for pack in _packs(pack_dirs):
        results.extend(run_pack_tests(pack, engines or IN_PROCESS_ENGINES))
    if not results:
        raise MlgovError("no tests found in the packs")
    if fmt == "json":
        _write_json([r.as_dict() for r in results], None)
    else:
        from .findings_table import print_test_results

        print_test_results(results, Console(highlight=False))
    if not all(r.passed for r in results):
        raise SystemExit(1)


@main.command("packs")
@click.argument("pack_dirs", nargs=-1, type=click.Path(file_okay=False, path_type=Path))
def packs_cmd(pack_dirs: tuple[Path, ...]) -> None:
    """List rule packs (default: the built-in ones) with their digests and rules."""
    console = Console(highlight=False)
    for pack in _packs(pack_dirs):
        console.print(f"[bold]{pack.name}[/bold] {pack.version} sha256:{pack.digest} "
                      f"({', '.join(pack.regimes)}) {escape(str(pack.root))}")
        for rule in sorted(pack.rules, key=lambda r: r.id):
            label = escape(f"[{rule.severity}]")
            console.print(f"  {rule.id} {label} {escape(rule.title)} · {', '.join(rule.controls)}")
