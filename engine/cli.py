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
@click.option("--fail-on", type=click.Choice(_SEVERITIES), default="low", show_default=True,
              help="Exit 1 when an open finding is at least this severe (info findings, such as retention "
                   "dispositions, only inform unless you ask for --fail-on info).")
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


def _trusted_keys(keys: tuple[Path, ...], trust_file: Path | None, command: str) -> list:
    """Public keys to trust, from --key files and a --trust file; none at all is an error."""
    from .signing.keys import load_public
    from .signing.trust import TrustedKey, load_trust

    if not keys and not trust_file:
        raise MlgovError(f"{command} needs --key PUBLIC_KEY or --trust FILE: a signature is only as good as the key")
    trusted = [TrustedKey(str(k), load_public(k)) for k in keys]
    if trust_file:
        trusted += load_trust(trust_file)
    return trusted


def _duration_days(text: str, option: str) -> int:
    from .packs.yaml_rules import parse_duration

    try:
        d = parse_duration(text)
    except ValueError:
        raise MlgovError(f"{option}: not a duration: {text!r} (e.g. 90d, 6mo, 1y)") from None
    return d.years * 365 + d.months * 30 + d.delta.days


@main.command("keygen")
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Directory for the key pair.")
@click.option("--type", "kind", type=click.Choice(["ed25519", "ecdsa-p256"]), default="ed25519", show_default=True)
@click.option("--name", default="mlgov-key", show_default=True, help="Files are NAME.pem and NAME.pub.pem.")
@click.option("--passphrase-env", help="Encrypt the private key with the passphrase in this environment variable.")
@click.option("--force", is_flag=True, help="Replace existing key files.")
def keygen_cmd(output_dir: Path, kind: str, name: str, passphrase_env: str | None, force: bool) -> None:
    """Create a signing key pair (PEM) and print its key id."""
    from .signing.keys import generate, key_id, write_keypair

    passphrase = None
    if passphrase_env:
        passphrase = os.environ.get(passphrase_env)
        if not passphrase:
            raise MlgovError(f"--passphrase-env: environment variable {passphrase_env} is not set or empty")
    private = generate(kind)
    priv, pub = write_keypair(private, output_dir, name, passphrase.encode() if passphrase else None, force)
    click.echo(f"private key: {priv}{' (encrypted)' if passphrase else ''}")
    click.echo(f"public key:  {pub}")
    click.echo(f"key id:      {key_id(private.public_key())}")


@main.command("gate")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--key", "key_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Private signing key (PEM). Passphrase, if any, from --key-passphrase-env.")
@click.option("--key-passphrase-env", default="MLGOV_KEY_PASSPHRASE", show_default=True)
@click.option("--packs", "pack_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Rule pack directory (repeatable). Default: every built-in pack.")
@click.option("--fail-on", type=click.Choice(_SEVERITIES), default="high", show_default=True,
              help="An open finding this severe or worse fails the gate.")
@click.option("--waivers", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--params", "params_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as-of", help="Evaluation date (default: now). Same inputs and date give the same payload.")
@click.option("--engine", type=click.Choice(["regorus", "regopy", "opa"]), default="regorus", show_default=True)
@click.option("--cross-check", type=click.Choice(["regorus", "regopy", "opa"]))
@click.option("--opa-url")
@click.option("--valid-for", default="90d", show_default=True, help="How long the verdict stays valid.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=Path("verdict.json"),
              show_default=True, help="Where to write the signed verdict (DSSE envelope).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary instead of the text summary.")
@click.option("--summary-md", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a Markdown job summary here (default: $GITHUB_STEP_SUMMARY when set).")
@click.option("--log", "log_path", envvar="MLGOV_LOG", type=click.Path(dir_okay=False, path_type=Path),
              help="Append this run to the audit log (SQLite; default $MLGOV_LOG) and sign a checkpoint.")
@click.option("--document-out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the canonical document (for `mlgov report --document`).")
@click.option("--docs", "docs_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Refresh the model card and compliance summary in this directory (model-card.md).")
def gate_cmd(inputs: tuple[str, ...], key_path: Path, key_passphrase_env: str, pack_dirs: tuple[Path, ...],
             fail_on: str, waivers: Path | None, params_file: Path | None, as_of: str | None, engine: str,
             cross_check: str | None, opa_url: str | None, valid_for: str, out: Path, as_json: bool,
             summary_md: Path | None, log_path: Path | None, document_out: Path | None,
             docs_dir: Path | None) -> None:
    """Normalize, evaluate, decide and sign: the CI gate for a release bundle.

    Exit 0: pass; 1: policy failure (a signed FAILED verdict is still written); 2: could not
    evaluate (nothing is written).
    """
    from .evaluation.waivers import load_waivers
    from .signing.keys import load_signer
    from .verdict.gate import gate, write_atomically
    from .verdict.summary import markdown, print_gate

    log = None
    if log_path is not None:
        from .auditlog.log import AuditLog

        log = AuditLog.open(log_path)
    try:
        signer = load_signer(key_path, key_passphrase_env)
        result = gate(list(inputs), signer, _as_of(as_of), pack_dirs, fail_on,
                      load_waivers(waivers) if waivers else (), engine, cross_check, opa_url, _params(params_file),
                      _duration_days(valid_for, "--valid-for"))
    except MlgovError as exc:
        if log is not None:  # a release that could not be evaluated is part of the record too
            log.append("gate", [], "error", details={"error": exc.one_line(), "inputs": list(inputs)})
        raise
    write_atomically(out, result.envelope)
    if document_out is not None:
        write_atomically(document_out, result.document)
    if docs_dir is not None:
        from .reports import model_card

        _write_text(model_card.render(result.document, result.predicate, f"signed by {result.keyid}"),
                    docs_dir / "model-card.md")
    if log is not None:
        p = result.predicate
        seq = log.append("gate", result.statement["subject"], p["decision"]["result"], verdict=result.envelope,
                         packs=p["packs"], details={"document_id": p["input"]["document_id"],
                                                    "as_of": p["timeVerified"], "reason": p["decision"]["reason"]})
        log.checkpoint(signer)
        if not as_json:
            click.echo(f"  audit log: entry {seq} in {log_path}")
    if as_json:
        _write_json({**result.summary(), "verdict": str(out)}, None)
    else:
        print_gate(result, str(out), Console(highlight=False))
    target = summary_md or (Path(os.environ["GITHUB_STEP_SUMMARY"]) if os.environ.get("GITHUB_STEP_SUMMARY") else None)
    if target is not None:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(markdown(result))
    if not result.passed:
        raise SystemExit(1)


@main.command("verify")
@click.argument("verdict", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--key", "keys", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Trusted public key (PEM); repeatable.")
@click.option("--trust", "trust_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Trust file listing public keys and their validity windows.")
@click.option("--artifact", "artifacts", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A file that must be a subject of the verdict; repeatable.")
@click.option("--max-age", help="Reject a verdict evaluated longer ago than this (e.g. 7d).")
@click.option("--require-pass", is_flag=True, help="Reject a FAILED verdict.")
@click.option("--at", "at", help="Check as of this time instead of now (audits, tests).")
@click.option("--json", "as_json", is_flag=True)
def verify_cmd(verdict: Path, keys: tuple[Path, ...], trust_file: Path | None, artifacts: tuple[Path, ...],
               max_age: str | None, require_pass: bool, at: str | None, as_json: bool) -> None:
    """Verify a signed verdict before deploying. Exit 0 only if every check holds; 1 if the
    verdict is rejected; 2 if verification could not run (missing key, unreadable file)."""
    from datetime import timedelta

    from . import timeutil
    from .verdict.verify import verify

    trusted = _trusted_keys(keys, trust_file, "verify")
    age = timedelta(days=_duration_days(max_age, "--max-age")) if max_age else None
    when = timeutil.to_datetime(at, "--at", None) if at else None
    result = verify(verdict, trusted, artifacts, age, require_pass, when)
    if as_json:
        _write_json(result.as_dict(), None)
    else:
        console = Console(highlight=False)
        for check in result.checks:
            mark = "[green]ok[/green]  " if check.ok else "[red]FAIL[/red]"
            console.print(f"{mark} {check.name}: {escape(check.message)}")
        console.print("[bold green]verdict accepted[/bold green]" if result.ok
                      else "[bold red]verdict rejected[/bold red]")
    if not result.ok:
        raise SystemExit(1)


@main.command("controls")
@click.option("--regime", help="Only this regime (e.g. EU-AI-ACT).")
@click.option("--packs", "pack_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Rule pack directory (repeatable). Default: every built-in pack.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True)
def controls_cmd(regime: str | None, pack_dirs: tuple[Path, ...], fmt: str) -> None:
    """List the controls of each regime and the rules that cover them."""
    from .controls import catalogs, check_rule_controls, coverage, markdown_table

    packs = _packs(pack_dirs)
    check_rule_controls(packs)
    selected = [c for c in catalogs() if regime is None or c.regime == regime]
    if regime and not selected:
        raise MlgovError(f"no catalog for regime {regime!r} (have: {', '.join(c.regime for c in catalogs())})")
    rules_of = coverage(packs)
    if fmt == "markdown":
        click.echo(markdown_table(packs), nl=False)
        click.echo()
        return
    if fmt == "json":
        _write_json([{"regime": c.regime, "title": c.title, "source": c.source, "controls": [
            {"id": x.id, "title": x.title, "citation": x.citation, "requirement": x.requirement,
             "rules": rules_of.get(x.key, [])} for x in c.controls]} for c in selected], None)
        return
    console = Console(highlight=False)
    for cat in selected:
        console.print(f"[bold]{cat.regime}[/bold] {escape(cat.title)}")
        for x in cat.controls:
            rules = ", ".join(rules_of.get(x.key, [])) or "[yellow]not assessed[/yellow]"
            console.print(f"  {escape(x.id):<18} {escape(x.title)} · {rules}")


@main.group("log")
def log_group() -> None:
    """The tamper-evident audit log (SQLite; --log PATH or $MLGOV_LOG)."""


_log_option = click.option("--log", "log_path", envvar="MLGOV_LOG", type=click.Path(dir_okay=False, path_type=Path),
                           help="Audit log file (default: $MLGOV_LOG).")
_key_options = [
    click.option("--key", "keys", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
                 help="Trusted public key (PEM); repeatable."),
    click.option("--trust", "trust_file", type=click.Path(dir_okay=False, path_type=Path), help="Trust file."),
]


def _with_keys(fn):
    for option in reversed(_key_options):
        fn = option(fn)
    return fn


def _open_log(log_path: Path | None, must_exist: bool = True):
    from .auditlog.log import ENV_VAR, AuditLog

    where = log_path or (Path(os.environ[ENV_VAR]) if os.environ.get(ENV_VAR) else None)
    if where is not None and must_exist and not where.exists():
        raise MlgovError(f"{where}: no audit log there")
    return AuditLog.open(where)


@log_group.command("verify")
@_log_option
@_with_keys
@click.option("--trusted-checkpoint", type=click.Path(dir_okay=False, path_type=Path),
              help="A checkpoint you saved earlier: the log must still extend it.")
@click.option("--json", "as_json", is_flag=True)
def log_verify_cmd(log_path: Path | None, keys: tuple[Path, ...], trust_file: Path | None,
                   trusted_checkpoint: Path | None, as_json: bool) -> None:
    """Recompute every hash and check every signed checkpoint. Exit 0 only if the log is intact."""
    log = _open_log(log_path)
    trusted = _trusted_keys(keys, trust_file, "log verify")
    saved = None
    if trusted_checkpoint is not None:
        raw = read_bounded(trusted_checkpoint)
        saved = parse_json(raw.text(), raw.display)
    check = log.verify(trusted, saved)
    if as_json:
        _write_json(check.as_dict(), None)
    else:
        for problem in check.problems:
            click.echo(f"FAIL {problem}")
        state = "intact" if check.ok else "TAMPERED"
        click.echo(f"log {state}: {check.size} entries, {check.checkpoints} signed checkpoints verified, "
                   f"{check.uncovered} entries after the last checkpoint")
    if not check.ok:
        raise SystemExit(1)


@log_group.command("query")
@_log_option
@click.option("--subject", help="Glob on a subject's name or digest.")
@click.option("--kind", help="gate, audit, waiver ...")
@click.option("--decision", help="pass, fail, error ...")
@click.option("--since", help="Entries at or after this time.")
@click.option("--until", help="Entries before this time.")
@click.option("--limit", type=int, default=0, help="Only the newest N matching entries.")
@click.option("--json", "as_json", is_flag=True)
def log_query_cmd(log_path: Path | None, subject: str | None, kind: str | None, decision: str | None,
                  since: str | None, until: str | None, limit: int, as_json: bool) -> None:
    """List entries, filtered by subject, kind, decision and time."""
    from fnmatch import fnmatchcase

    from rich.table import Table

    from . import timeutil

    low = timeutil.to_datetime(since, "--since", None) if since else None
    high = timeutil.to_datetime(until, "--until", None) if until else None
    rows = []
    for entry in _open_log(log_path).entries():
        when = timeutil.to_datetime(entry["time"], "log", None)
        names = [s.get("name", "") for s in entry["subjects"]]
        names += [s.get("digest", {}).get("sha256", "") for s in entry["subjects"]]
        if ((kind and entry["kind"] != kind) or (decision and entry.get("decision") != decision)
                or (subject and not any(fnmatchcase(n, subject) for n in names))
                or (low and when < low) or (high and when >= high)):
            continue
        rows.append(entry)
    if limit:
        rows = rows[-limit:]
    if as_json:
        _write_json(rows, None)
        return
    table = Table(show_edge=False)
    for column in ("seq", "time", "kind", "decision", "subjects", "document / details"):
        table.add_column(column, overflow="fold")
    for e in rows:
        details = e.get("details", {})
        table.add_row(str(e["seq"]), e["time"][:19] + "Z", e["kind"], str(e.get("decision")),
                      escape(", ".join(s.get("name", "?") for s in e["subjects"])),
                      escape(str(details.get("document_id") or details.get("error") or details.get("waiver", ""))))
    Console(highlight=False).print(table)


@log_group.command("show")
@_log_option
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def log_show_cmd(ctx: click.Context, log_path: Path | None, limit: int, as_json: bool) -> None:
    """The newest entries."""
    ctx.invoke(log_query_cmd, log_path=log_path, subject=None, kind=None, decision=None, since=None, until=None,
               limit=limit, as_json=as_json)


@log_group.command("checkpoint")
@_log_option
@click.option("--key", "key_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Private key that signs the tree head.")
@click.option("--key-passphrase-env", default="MLGOV_KEY_PASSPHRASE", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Also save the signed checkpoint here (keep it: `log verify --trusted-checkpoint`).")
def log_checkpoint_cmd(log_path: Path | None, key_path: Path, key_passphrase_env: str, output: Path | None) -> None:
    """Sign the current tree head (size and root)."""
    from .signing.keys import load_signer

    envelope = _open_log(log_path).checkpoint(load_signer(key_path, key_passphrase_env))
    if output:
        _write_json(envelope, output)
    import base64 as b64

    head = json.loads(b64.b64decode(envelope["payload"]))
    click.echo(f"checkpoint: {head['size']} entries, root {head['root_hash']}")


@log_group.command("prove")
@click.argument("seq", type=int)
@_log_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def log_prove_cmd(seq: int, log_path: Path | None, output: Path | None) -> None:
    """Inclusion proof of entry SEQ: checkable with only the proof and a trusted key."""
    _write_json(_open_log(log_path).prove(seq), output)


@log_group.command("consistency")
@click.argument("old_size", type=int)
@click.argument("new_size", type=int)
@_log_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def log_consistency_cmd(old_size: int, new_size: int, log_path: Path | None, output: Path | None) -> None:
    """Consistency proof between two signed checkpoints: the log only grew."""
    _write_json(_open_log(log_path).consistency(old_size, new_size), output)


@log_group.command("check-proof")
@click.argument("proof_file", type=click.Path(dir_okay=False, path_type=Path))
@_with_keys
def log_check_proof_cmd(proof_file: Path, keys: tuple[Path, ...], trust_file: Path | None) -> None:
    """Check an inclusion or consistency proof offline, against a trusted key."""
    from .auditlog.log import check_consistency, check_inclusion

    raw = read_bounded(proof_file)
    doc = parse_json(raw.text(), raw.display)
    trusted = _trusted_keys(keys, trust_file, "log check-proof")
    if not isinstance(doc, dict) or not ({"leaf_data", "checkpoint"} <= set(doc) or {"old", "new"} <= set(doc)):
        raise MlgovError(f"{raw.display}: neither an inclusion nor a consistency proof")
    ok, message = check_inclusion(doc, trusted) if "leaf_data" in doc else check_consistency(doc, trusted)
    click.echo(("ok: " if ok else "FAIL: ") + message)
    if not ok:
        raise SystemExit(1)


@log_group.command("record-waivers")
@click.argument("waivers_file", type=click.Path(dir_okay=False, path_type=Path))
@_log_option
@click.option("--key", "key_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Private key to sign a checkpoint after recording.")
def log_record_waivers_cmd(waivers_file: Path, log_path: Path | None, key_path: Path | None) -> None:
    """Record each waiver of a file (the decision to grant an exception) in the audit log."""
    from .evaluation.waivers import load_waivers
    from .signing.keys import load_signer

    log = _open_log(log_path, must_exist=False)
    for w in load_waivers(waivers_file):
        details = {"waiver": w["id"], "rule": w["rule"], "subjects": w["subjects"],
                   "justification": w["justification"], "approved_by": w.get("approved_by"),
                   "approved": w.get("_approved", {}).get("utc"), "expires": w["_expires"]["utc"]}
        seq = log.append("waiver", [{"name": s} for s in w["subjects"]],
                         "approved" if "approved_by" in w else "unapproved", details=details)
        click.echo(f"entry {seq}: waiver {w['id']} for {w['rule']}")
    if key_path:
        log.checkpoint(load_signer(key_path))


@main.command("report")
@click.argument("verdict", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["html", "md", "json", "sarif", "junit", "oscal"]),
              default="html", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here (default: stdout).")
@click.option("--key", "keys", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Trusted public key: the report says the signature verified, and with which key.")
@click.option("--trust", "trust_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--document", type=click.Path(dir_okay=False, path_type=Path),
              help="The canonical document the verdict was computed from (for lineage and approvals); "
                   "its digest must match the verdict's.")
def report_cmd(verdict: Path, fmt: str, output: Path | None, keys: tuple[Path, ...], trust_file: Path | None,
               document: Path | None) -> None:
    """Render a report from a signed verdict, so that it can never disagree with the decision."""
    from .reports.context import load_context
    from .reports.render import render

    trusted = _trusted_keys(keys, trust_file, "report") if (keys or trust_file) else []
    text = render(load_context(verdict, trusted, document), fmt)
    if output is None:
        sys.stdout.write(text)
    else:
        _write_text(text, output)
        click.echo(f"wrote {output}")


@main.command("docs")
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("model-card.md"),
              show_default=True)
@click.option("--verdict", type=click.Path(dir_okay=False, path_type=Path),
              help="The latest verdict: adds compliance status, retention disposition and open findings.")
@click.option("--key", "keys", multiple=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--trust", "trust_file", type=click.Path(dir_okay=False, path_type=Path))
def docs_cmd(inputs: tuple[str, ...], output: Path, verdict: Path | None, keys: tuple[Path, ...],
             trust_file: Path | None) -> None:
    """Write a model card and compliance summary from a bundle (or document) and its latest verdict."""
    from .reports import model_card

    document = normalize(list(inputs))
    predicate, verification = None, ""
    if verdict is not None:
        from .document.digest import document_digest
        from .reports.context import load_context

        trusted = _trusted_keys(keys, trust_file, "docs") if (keys or trust_file) else []
        ctx = load_context(verdict, trusted)
        if ctx.predicate["input"]["document_digest"]["sha256"] != document_digest(document):
            raise MlgovError(f"{verdict}: the verdict was computed from another version of these inputs")
        predicate, verification = ctx.predicate, ctx.verification
    _write_text(model_card.render(document, predicate, verification), output)
    click.echo(f"wrote {output}")


def _write_text(text: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@main.group("audit")
def audit_group() -> None:
    """Scheduled audits over a whole model inventory."""


@audit_group.command("retention")
@click.option("--inventory", type=click.Path(dir_okay=False, path_type=Path),
              help="JSON lines, one canonical document per artifact.")
@click.option("--mlflow-uri", help="A live MLflow tracking server (REST API): every version of every registered model.")
@click.option("--as-of", help="Audit date (default: now).")
@click.option("--packs", "pack_dirs", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="Rule packs (default: the built-in retention pack).")
@click.option("--params", "params_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--key", "key_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--key-passphrase-env", default="MLGOV_KEY_PASSPHRASE", show_default=True)
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("retention-audit"),
              show_default=True, help="Directory for plan.json (signed), plan.md and plan.html.")
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path),
              help="The previous signed plan: report what changed since.")
@click.option("--workers", type=int, default=0, help="Processes (default: all cores).")
@click.option("--log", "log_path", envvar="MLGOV_LOG", type=click.Path(dir_okay=False, path_type=Path))
def audit_retention_cmd(inventory: Path | None, mlflow_uri: str | None, as_of: str | None,
                        pack_dirs: tuple[Path, ...], params_file: Path | None, key_path: Path,
                        key_passphrase_env: str, out_dir: Path, previous: Path | None, workers: int,
                        log_path: Path | None) -> None:
    """What to keep, archive, purge or hold, and why, for every artifact; signed. Never deletes.

    Exit 0: every artifact evaluated and none needs action beyond keep/archive/hold; 1: some
    artifact must be purged or has findings; 2: some artifact could not be evaluated (the others
    are still evaluated and reported) or the audit could not run.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .audit import plan as plan_mod
    from .audit.inventory import read_jsonl
    from .audit.retention import audit, diff
    from .packs import load_packs
    from .resources import data_dir
    from .signing.keys import load_signer
    from .verdict.gate import write_atomically

    if bool(inventory) == bool(mlflow_uri):
        raise MlgovError("give exactly one of --inventory FILE or --mlflow-uri URL")
    signer = load_signer(key_path, key_passphrase_env)
    packs = load_packs(list(pack_dirs) or [data_dir("policies") / "retention"])
    when = _as_of(as_of)
    previous_entries = None
    if previous is not None:
        from .reports.context import payload_of

        raw = read_bounded(previous, limit=1 << 31)
        previous_entries = payload_of(parse_json(raw.text(), raw.display))["predicate"]["entries"]
    if inventory is not None:
        items, source, total = read_jsonl(inventory, parse=False), str(inventory), _count_lines(inventory)
    else:
        from .audit.mlflow_inventory import read_registry

        versions = list(read_registry(mlflow_uri))
        items, source, total = iter(versions), mlflow_uri, len(versions)
    console = Console(stderr=True, highlight=False)
    with Progress(TextColumn("auditing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                  transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("audit", total=total)
        outcome = audit(items, packs, when, workers or None, _params(params_file),
                        progress=lambda n: bar.advance(task, n))
    changes = diff(outcome["entries"], previous_entries) if previous_entries is not None else None
    stmt = plan_mod.statement(outcome, packs, when, source, changes)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_atomically(out_dir / "plan.json", plan_mod.sign(stmt, signer))
    _write_text(plan_mod.markdown(stmt["predicate"]), out_dir / "plan.md")
    _write_text(plan_mod.html(stmt["predicate"]), out_dir / "plan.html")
    summary = outcome["summary"]
    click.echo(f"{summary['artifacts']} artifacts: {summary['evaluated']} evaluated, {summary['failed']} failed; "
               f"actions {summary['actions']}; plan signed in {out_dir / 'plan.json'}")
    for failure in outcome["failures"][:20]:
        click.echo(f"  could not evaluate {failure['artifact']}: {failure['error']}", err=True)
    if log_path is not None:
        from .auditlog.log import AuditLog

        log = AuditLog.open(log_path)
        log.append("audit", stmt["subject"][:1000], "fail" if outcome["failures"] else "done",
                   packs=stmt["predicate"]["packs"], details={"audit": "retention", "as_of": when["utc"],
                                                              "summary": summary})
        log.checkpoint(signer)
    if outcome["failures"]:
        raise SystemExit(2)
    if summary["actions"].get("purge") or summary["with_findings"]:
        raise SystemExit(1)


def _count_lines(path: Path) -> int:
    with open(path, "rb") as fh:
        return sum(1 for line in fh if line.strip())


@main.command("impact")
@click.argument("artifact")
@click.option("--inventory", type=click.Path(dir_okay=False, path_type=Path),
              help="JSON lines of documents (or give bundles/documents as --input).")
@click.option("--input", "inputs", multiple=True, help="A bundle or document to search (repeatable).")
@click.option("--json", "as_json", is_flag=True)
def impact_cmd(artifact: str, inventory: Path | None, inputs: tuple[str, ...], as_json: bool) -> None:
    """Everything downstream of ARTIFACT (a lineage node such as dataset:loan-applications, or a
    subject name or sha256): models, deployments and their owners. Run before retiring anything."""
    from .audit.impact import impact
    from .audit.inventory import read_jsonl

    documents = []
    if inventory is not None:
        for item in read_jsonl(inventory):
            if item.error:
                raise MlgovError(f"{item.where}: {item.error}")
            documents.append(item.document)
    documents += [normalize([i]) for i in inputs]
    if not documents:
        raise MlgovError("give --inventory FILE or --input BUNDLE_OR_DOC")
    rows = impact(artifact, documents)
    if as_json:
        _write_json(rows, None)
        return
    if not rows:
        click.echo(f"nothing downstream of {artifact} in {len(documents)} documents")
        return
    for row in rows:
        click.echo(f"{row['document_id']} (owner: {row['owner'] or 'not stated'})")
        for d in row["downstream"]:
            click.echo(f"  {d['node']}  via {' -> '.join(d['path'])}")
