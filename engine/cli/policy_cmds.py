"""Commands about rule packs: eval, test, packs, controls."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from ..engines.interface import IN_PROCESS
from ..normalize import normalize
from .app import (
    _SEVERITIES,
    MlgovError,
    _as_of,
    _packs,
    _params,
    _write_json,
    main,
    with_engine_options,
    with_input_trust,
)


@main.command("eval")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--packs", "pack_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Rule pack directory (repeatable). Default: every built-in pack.")
@click.option("--as-of", help="Evaluation date (RFC 3339 or YYYY-MM-DD). Default: now, recorded in the output.")
@with_engine_options
@click.option("--waivers", type=click.Path(dir_okay=False, path_type=Path), help="Waiver file (YAML).")
@click.option("--params", "params_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Pack parameters to override: {pack name: {param: value}} (YAML).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--fail-on", type=click.Choice(_SEVERITIES), default="low", show_default=True,
              help="Exit 1 when an open finding is at least this severe (info findings, such as retention "
                   "dispositions, only inform unless you ask for --fail-on info).")
@click.option("--approvers", "approvers_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Approver trust policy: authenticate signed approvals (as gate --approvers).")
@with_input_trust
def eval_cmd(inputs: tuple[str, ...], pack_dirs: tuple[Path, ...], as_of: str | None, engine: str,
             cross_check: str | None, opa_url: str | None, waivers: Path | None, params_file: Path | None,
             fmt: str, fail_on: str, approvers_file: Path | None) -> None:
    """Evaluate rule packs over a bundle, metadata files or a canonical document.

    Exit 0: no open finding at --fail-on or above; 1: there is one; 2: could not evaluate.
    """
    from ..evaluation import evaluate
    from ..evaluation.waivers import load_waivers
    from ..packs.model import severity_rank

    when = _as_of(as_of)
    packs = _packs(pack_dirs)
    document = normalize(list(inputs))
    from ..signing.approver_policy import load_approver_policy
    from ..signing.authenticate import authenticate_approvals, authenticate_waivers
    from ..timeutil import parse_utc

    # eval judges as of --as-of: signatures are checked at that time too (the gate uses its clock)
    policy = load_approver_policy(approvers_file) if approvers_file else None
    authenticate_approvals(document, policy, parse_utc(when))  # also replaces what a document claims
    waiver_list = load_waivers(waivers) if waivers else []
    authenticate_waivers(waiver_list, policy, parse_utc(when))
    result = evaluate(document, packs, when, engine=engine, cross_check=cross_check, opa_url=opa_url,
                      waivers=waiver_list, params=_params(params_file),
                      validated=True)  # normalize() validated it
    if fmt == "json":
        _write_json(result, None)
    else:
        from ..reports.terminal import console_for_stdout, print_findings

        print_findings(result, console_for_stdout())
    failing = [f for f in result["findings"]
               if not f["waived"] and severity_rank(f["severity"]) >= severity_rank(fail_on)]
    if failing:
        raise SystemExit(1)


@main.command("test")
@click.argument("pack_dirs", nargs=-1, type=click.Path(file_okay=False, path_type=Path))
@click.option("--engine", "engines", multiple=True, type=click.Choice(IN_PROCESS),
              help="Engines to run the tests on (repeatable; default: regorus and opa). Case results must agree.")
@click.option("--coverage", is_flag=True, help="Report line coverage per pack and file (measured by OPA).")
@click.option("--threshold", type=click.FloatRange(0, 100), help="With --coverage: exit 1 if any pack is below PCT.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def test_cmd(pack_dirs: tuple[Path, ...], engines: tuple[str, ...], coverage: bool, threshold: float | None,
             fmt: str) -> None:
    """Run the tests of rule packs (default: every built-in pack). Exit 0 only if all pass
    (and, with --threshold, every pack's coverage reaches it)."""
    from ..policycoverage import CoverageAccumulator
    from ..policytest import DEFAULT_ENGINES, run_pack_tests

    if threshold is not None and not coverage:
        raise MlgovError("--threshold needs --coverage")
    results, covered = [], {}
    for pack in _packs(pack_dirs):
        acc = CoverageAccumulator() if coverage and pack.rego_modules else None
        results.extend(run_pack_tests(pack, engines or DEFAULT_ENGINES, acc))
        if acc is not None:
            covered[pack.name] = acc.by_file()
    if not results:
        raise MlgovError("no tests found in the packs")
    below = [name for name, files in covered.items() if threshold is not None and _pack_percent(files) < threshold]
    if fmt == "json":
        out: dict | list = [r.as_dict() for r in results]
        if coverage:
            out = {"results": out, "coverage": _coverage_json(covered), "threshold": threshold, "below": below}
        _write_json(out, None)
    else:
        from ..reports.terminal import console_for_stdout, print_coverage, print_test_results

        console = console_for_stdout()
        print_test_results(results, console)
        if coverage:
            print_coverage(covered, threshold, console)
    if not all(r.passed for r in results) or below:
        raise SystemExit(1)


def _pack_percent(files: dict) -> float:
    from ..policycoverage import total

    return total(files).percent


def _coverage_json(covered: dict) -> dict:
    return {pack: {"percent": round(_pack_percent(files), 2),
                   "files": {name: {"percent": round(f.percent, 2), "covered_lines": f.covered,
                                    "not_covered_lines": f.not_covered, "missed_lines": f.missed_lines}
                             for name, f in files.items()}}
            for pack, files in covered.items()}


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


@main.command("controls")
@click.option("--regime", help="Only this regime (e.g. EU-AI-ACT).")
@click.option("--packs", "pack_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Rule pack directory (repeatable). Default: every built-in pack.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True)
@click.option("--as-of", help="Say which catalogs and controls are in force on this date (table and json).")
def controls_cmd(regime: str | None, pack_dirs: tuple[Path, ...], fmt: str, as_of: str | None) -> None:
    """List the controls of each regime and the rules that cover them."""
    from ..controls import catalogs, check_rule_controls, coverage, markdown_table

    packs = _packs(pack_dirs)
    check_rule_controls(packs)
    selected = [c for c in catalogs() if regime is None or c.regime == regime]
    if regime and not selected:
        raise MlgovError(f"no catalog for regime {regime!r} (have: {', '.join(c.regime for c in catalogs())})")
    rules_of = coverage(packs)
    day = _as_of(as_of)["utc"][:10] if as_of else None
    if fmt == "markdown":
        click.echo(markdown_table(packs), nl=False)
        click.echo()
        return
    if fmt == "json":
        _write_json([{"regime": c.regime, "title": c.title, "version": c.version, "source": c.source,
                      "effective_from": c.effective_from, "effective_until": c.effective_until,
                      "scope": list(c.scope), **({"state": c.describe(day)["state"]} if day else {}),
                      "controls": [
            {"id": x.id, "title": x.title, "citation": x.citation, "requirement": x.requirement,
             "effective_from": x.effective_from, "effective_until": x.effective_until,
             **({"effective_from_by_basis": dict(x.effective_from_by_basis)} if x.effective_from_by_basis else {}),
             **({"not_machine_checkable": x.not_machine_checkable} if x.not_machine_checkable else {}),
             **({"in_force": c.in_force(day) and x.in_force(day)} if day else {}),
             "rules": rules_of.get(x.key, [])} for x in c.controls]} for c in selected], None)
        return
    console = Console(highlight=False)
    for cat in selected:
        state = f" · {cat.describe(day)['state'].replace('_', ' ')} on {day}" if day else ""
        console.print(f"[bold]{cat.regime}[/bold] {escape(cat.title)} · {escape(cat.version)}, in force "
                      f"{cat.effective_from} – {cat.effective_until or ''}{state}")
        for x in cat.controls:
            rules = escape(", ".join(rules_of.get(x.key, []))) or (
                f"not machine-checkable: {escape(x.not_machine_checkable)}" if x.not_machine_checkable
                else "[yellow]not assessed[/yellow]")
            console.print(f"  {escape(x.id):<18} {escape(x.title)} · {rules}")


@main.command("explain")
@click.argument("rule_id")
@click.option("--packs", "pack_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Rule pack directory (repeatable). Default: every built-in pack.")
def explain_cmd(rule_id: str, pack_dirs: tuple[Path, ...]) -> None:
    """What a rule checks, the controls it maps to, how to remediate, and a finding it produced."""
    from ..controls import known_controls
    from ..policytest import example_finding
    from ..reports.terminal import console_for_stdout, print_rule

    packs = _packs(pack_dirs)
    found = [(p, r) for p in packs for r in p.rules if r.id.upper() == rule_id.upper()]
    if not found:
        ids = sorted(r.id for p in packs for r in p.rules)
        raise MlgovError(f"no rule {rule_id!r} in the packs (have: {', '.join(ids)})")
    pack, rule = found[0]
    print_rule(rule, known_controls(), example_finding(pack, rule.id), console_for_stdout())
