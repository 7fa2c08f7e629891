"""Commands about signed verdicts: keygen, gate, verify, report, docs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from ..normalize import normalize
from .app import (
    _SEVERITIES,
    MlgovError,
    _as_of,
    _duration_days,
    _params,
    _record_failure,
    _release,
    _trusted_keys,
    _write_json,
    _write_text,
    main,
    with_engine_options,
    with_input_trust,
)


@main.command("keygen")
@click.option("-o", "--output-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Directory for the key pair.")
@click.option("--type", "kind", type=click.Choice(["ed25519", "ecdsa-p256"]), default="ed25519", show_default=True)
@click.option("--name", default="mlgov-key", show_default=True, help="Files are NAME.pem and NAME.pub.pem.")
@click.option("--passphrase-env", help="Encrypt the private key with the passphrase in this environment variable.")
@click.option("--force", is_flag=True, help="Replace existing key files.")
def keygen_cmd(output_dir: Path, kind: str, name: str, passphrase_env: str | None, force: bool) -> None:
    """Create a signing key pair (PEM) and print its key id."""
    from ..signing.keys import generate, key_id, write_keypair

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
@click.option("--as-of", help="Evaluation date (default: now). The signing time (timeVerified) is always the clock's.")
@with_engine_options
@click.option("--valid-for", default="90d", show_default=True, help="How long the verdict stays valid.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=Path("verdict.json"),
              show_default=True, help="Where to write the signed verdict (DSSE envelope).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON summary instead of the text summary.")
@click.option("--summary-md", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write a Markdown job summary here (default: $GITHUB_STEP_SUMMARY when set).")
@click.option("--log", "log_path", envvar="MLGOV_LOG",
              help="Record this run in the audit log (a SQLite file or postgresql:// URL; default $MLGOV_LOG) "
                   "and sign a checkpoint, before the verdict is written.")
@click.option("--document-out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the canonical document (for `mlgov report --document`).")
@click.option("--docs", "docs_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Refresh the model card and compliance summary in this directory (model-card.md).")
@click.option("--approvers", "approvers_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Approver trust policy (YAML): only approvals signed by its keys, for its roles, count.")
@click.option("--require-signed-approvals", is_flag=True,
              help="Count only signed, authenticated approvals (always so for 21 CFR Part 11 scope).")
@with_input_trust
def gate_cmd(inputs: tuple[str, ...], key_path: Path, key_passphrase_env: str, pack_dirs: tuple[Path, ...],
             fail_on: str, waivers: Path | None, params_file: Path | None, as_of: str | None, engine: str,
             cross_check: str | None, opa_url: str | None, valid_for: str, out: Path, as_json: bool,
             summary_md: Path | None, log_path: str | None, document_out: Path | None,
             docs_dir: Path | None, approvers_file: Path | None, require_signed_approvals: bool) -> None:
    """Normalize, evaluate, decide and sign: the CI gate for a release bundle.

    Exit 0: pass; 1: policy failure (a signed FAILED verdict is still written); 2: could not
    evaluate (nothing is written).
    """
    from ..evaluation.waivers import load_waivers
    from ..reports.terminal import console_for_stdout, gate_markdown, print_gate
    from ..signing.approver_policy import load_approver_policy
    from ..signing.keys import load_signer
    from ..verdict.gate import gate, write_atomically

    log = None
    if log_path is not None:
        from ..auditlog.log import AuditLog

        log = AuditLog.open(log_path)
    try:
        signer = load_signer(key_path, key_passphrase_env)
        result = gate(list(inputs), signer, _as_of(as_of), pack_dirs, fail_on,
                      load_waivers(waivers) if waivers else (), engine, cross_check, opa_url, _params(params_file),
                      _duration_days(valid_for, "--valid-for"),
                      load_approver_policy(approvers_file) if approvers_file else None, require_signed_approvals,
                      audit_log=log is not None)
    except Exception as exc:
        if log is not None:  # a run that could not be evaluated is part of the record too, whatever the error
            _record_failure(log, "gate", exc, {"inputs": list(inputs)})
        raise
    seq = None
    if log is not None:  # record before release: the verdict exists only once its entry and checkpoint are durable
        from ..auditlog.store import LogStoreError

        p = result.predicate
        try:
            seq = log.append("gate", result.statement["subject"], p["decision"]["result"], verdict=result.envelope,
                             packs=p["packs"], details={"document_id": p["input"]["document_id"],
                                                        "as_of": p["evaluation"]["as_of"]["utc"],
                                                        "signed_at": p["timeVerified"],
                                                        "reason": p["decision"]["reason"], "waivers": p["waivers"]})
            log.checkpoint(signer)
        except MlgovError as exc:
            raise LogStoreError(f"{exc.one_line()}; the run is not recorded, so no verdict was written") from None
    _release(out, lambda: write_atomically(out, result.envelope), "verdict",
             f"audit log entry {seq} in {log_path}" if seq is not None else None)
    if document_out is not None:
        write_atomically(document_out, result.document)
    if docs_dir is not None:
        from ..reports import model_card

        _write_text(model_card.render(result.document, result.predicate, f"signed by {result.keyid}"),
                    docs_dir / "model-card.md")
    if seq is not None and not as_json:
        click.echo(f"  audit log: entry {seq} in {log_path}")
    if as_json:
        _write_json({**result.summary(), "verdict": str(out)}, None)
    else:
        print_gate(result, str(out), console_for_stdout())
    target = summary_md or (Path(os.environ["GITHUB_STEP_SUMMARY"]) if os.environ.get("GITHUB_STEP_SUMMARY") else None)
    if target is not None:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(gate_markdown(result))
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
@click.option("--policy-digest", help="Require this policy digest (packs, parameters, fail-on, waivers, approvers).")
@click.option("--packs-digest", help="Require this digest of the packs that ran.")
@click.option("--fail-on-at-least", type=click.Choice(_SEVERITIES),
              help="Require the gate to have failed on this severity or a stricter one.")
@click.option("--no-waivers", is_flag=True, help="Reject a verdict in which any waiver applied.")
@click.option("--signed-waivers-only", is_flag=True, help="Reject a verdict with an unauthenticated applied waiver.")
@click.option("--max-backdate", help="Reject a verdict evaluated as of a date this much before it was signed.")
@click.option("--json", "as_json", is_flag=True)
def verify_cmd(verdict: Path, keys: tuple[Path, ...], trust_file: Path | None, artifacts: tuple[Path, ...],
               max_age: str | None, require_pass: bool, at: str | None, policy_digest: str | None,
               packs_digest: str | None, fail_on_at_least: str | None, no_waivers: bool, signed_waivers_only: bool,
               max_backdate: str | None, as_json: bool) -> None:
    """Verify a signed verdict before deploying (or a signed retention plan, plan.json). Exit 0
    only if every check holds; 1 if it is rejected; 2 if verification could not run (missing key,
    unreadable file)."""
    from datetime import timedelta

    from .. import timeutil
    from ..verdict.verify import Requirements, verify

    trusted = _trusted_keys(keys, trust_file, "verify")
    age = timedelta(days=_duration_days(max_age, "--max-age")) if max_age else None
    when = timeutil.to_datetime(at, "--at", None) if at else None
    if no_waivers and signed_waivers_only:
        raise MlgovError("--no-waivers and --signed-waivers-only: choose one")
    requirements = Requirements(
        policy_digest, packs_digest, fail_on_at_least,
        "none" if no_waivers else "signed" if signed_waivers_only else None,
        timedelta(days=_duration_days(max_backdate, "--max-backdate")) if max_backdate else None)
    result = verify(verdict, trusted, artifacts, age, require_pass, when, requirements, limit=1 << 31)
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


@main.command("report")
@click.argument("verdict", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "md", "json", "sarif", "junit", "oscal"]),
              default="html", show_default=True, help="pdf: the HTML report printed by headless Chromium.")
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
    from ..reports.context import load_context
    from ..reports.render import render

    trusted = _trusted_keys(keys, trust_file, "report") if (keys or trust_file) else []
    if fmt == "pdf":
        from ..reports.pdf import browser, html_to_pdf

        browser()  # refuse before any work when there is nothing to print with
        data = html_to_pdf(render(load_context(verdict, trusted, document), "html"))
        if output is None:
            sys.stdout.buffer.write(data)
        else:
            output.parent.mkdir(parents=True, exist_ok=True)
            tmp = output.with_name(output.name + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(output)
            click.echo(f"wrote {output}")
        return
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
    from ..reports import model_card

    document = normalize(list(inputs))
    predicate, verification = None, ""
    if verdict is not None:
        from ..document.digest import document_digest
        from ..reports.context import load_context

        trusted = _trusted_keys(keys, trust_file, "docs") if (keys or trust_file) else []
        ctx = load_context(verdict, trusted)
        if ctx.predicate["input"]["document_digest"]["sha256"] != document_digest(document):
            raise MlgovError(f"{verdict}: the verdict was computed from another version of these inputs")
        predicate, verification = ctx.predicate, ctx.verification
    _write_text(model_card.render(document, predicate, verification), output)
    click.echo(f"wrote {output}")
