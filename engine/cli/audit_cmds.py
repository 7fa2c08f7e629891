"""Inventory-wide commands: mlgov audit retention, mlgov audit integrity, mlgov impact."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from ..engines.interface import IN_PROCESS
from ..normalize import normalize
from ..safeio import parse_json, read_bounded
from .app import MlgovError, _as_of, _params, _record_failure, _release, _write_json, _write_text, main


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
              help="The previous signed plan: report what changed since. It must verify with the signing "
                   "key's public key or a key of --trust.")
@click.option("--trust", "trust_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Trust file (as for verify) for the previous plan's signature.")
@click.option("--workers", type=int, default=0, help="Processes (default: all cores).")
@click.option("--tag-prefix", default="mlgov.", show_default=True,
              help="Prefix of mlgov's MLflow tags (retention_class, legal_hold, retired, ...); "
                   "bare names are read too.")
@click.option("--log", "log_path", envvar="MLGOV_LOG", help="Audit log: a SQLite file or a postgresql:// URL.")
@click.option("--engine", type=click.Choice(IN_PROCESS), default="regorus", show_default=True)
@click.option("--cross-check", type=click.Choice(IN_PROCESS),
              help="Also evaluate every artifact with this engine (e.g. opa); any difference fails that artifact.")
def audit_retention_cmd(inventory: Path | None, mlflow_uri: str | None, as_of: str | None,
                        pack_dirs: tuple[Path, ...], params_file: Path | None, key_path: Path,
                        key_passphrase_env: str, out_dir: Path, previous: Path | None, trust_file: Path | None,
                        workers: int, tag_prefix: str, log_path: str | None, engine: str,
                        cross_check: str | None) -> None:
    """What to keep, archive, purge or hold, and why, for every artifact; signed. Never deletes.

    Exit 0: every artifact evaluated and none needs action beyond keep/archive/hold; 1: some
    artifact must be purged or has findings, or (with --previous) a purge is overdue or a record
    that had to be kept is gone; 2: some artifact could not be evaluated (the others are still
    evaluated and reported) or the audit could not run, or (with --log) the audit could not be
    recorded, in which case no plan is written.
    """
    from ..audit import plan as plan_mod
    from ..signing.keys import load_signer
    from ..verdict import gate as gate_module

    if bool(inventory) == bool(mlflow_uri):
        raise MlgovError("give exactly one of --inventory FILE or --mlflow-uri URL")
    signer = load_signer(key_path, key_passphrase_env)
    log = None
    if log_path is not None:  # opened first: an audit that cannot be recorded is not run
        from ..auditlog.log import AuditLog

        log = AuditLog.open(log_path)
    try:
        stmt, envelope, outcome, changes = _signed_plan(
            inventory, mlflow_uri, as_of, pack_dirs, params_file, signer, previous, trust_file, workers, tag_prefix,
            engine, cross_check)
        renderings = _renderings(stmt, signer.keyid)  # before the entry: a rendering that fails is an error entry
    except Exception as exc:
        if log is not None:  # an audit that could not run is part of the record too, as for the gate
            _record_failure(log, "audit", exc, {"audit": "retention", "source": _redacted(inventory, mlflow_uri)})
        raise
    when = stmt["predicate"]["as_of"]
    summary = outcome["summary"]
    recorded = None
    if log is not None:  # record before release: the plan exists only once its entry and checkpoint are durable
        from ..auditlog.store import LogStoreError

        p = stmt["predicate"]
        try:
            seq = log.append("audit", stmt["subject"][:1000], "fail" if outcome["failures"] else "done",
                             packs=p["packs"], details={"audit": "retention", "as_of": when["utc"],
                                                        "signed_at": p["timeVerified"], "summary": summary,
                                                        "plan_digest": {"sha256": plan_mod.digest(envelope)}})
            log.checkpoint(signer)
        except MlgovError as exc:
            raise LogStoreError(f"{exc.one_line()}; the audit is not recorded, so no plan was written") from None
        recorded = f"audit log entry {seq} in {log_path}"
    plan_path = out_dir / "plan.json"

    def write_plan() -> None:
        for name, _, _ in renderings:  # an earlier audit's rendering never sits beside this plan
            (out_dir / name).unlink(missing_ok=True)
        gate_module.write_atomically(plan_path, envelope)

    _release(plan_path, write_plan, "plan", recorded)
    for name, what, text in renderings:
        _release(out_dir / name, lambda: _write_text(text, out_dir / name),  # noqa: B023
                 f"{what} rendering", f"the signed plan {plan_path}")
    click.echo(f"{summary['artifacts']} artifacts: {summary['evaluated']} evaluated, {summary['failed']} failed; "
               f"actions {summary['actions']}; plan signed in {plan_path}")
    if recorded is not None:
        click.echo(f"  audit log: entry {seq} in {log_path}")
    for failure in outcome["failures"][:20]:
        click.echo(f"  could not evaluate {failure['artifact']}: {failure['error']}", err=True)
    if outcome["failures"]:
        raise SystemExit(2)
    problems = [c for c in (changes or []) + outcome.get("deleted", []) if c.get("finding")]
    for change in problems[:20]:
        click.echo(f"  {change.get('artifact') or change['where']}: {change.get('change', 'deleted')}: "
                   f"{change['reason']}", err=True)
    if summary["actions"].get("purge") or summary["with_findings"] or problems:
        raise SystemExit(1)


def _renderings(stmt: dict, keyid: str) -> list[tuple[str, str, str]]:
    """The plan's Markdown and HTML, rendered before anything is recorded or written."""
    from ..reports import plan as plan_view

    signature = plan_view.signature_of(stmt, keyid)
    formats = (("plan.md", "Markdown", plan_view.markdown), ("plan.html", "HTML", plan_view.html))
    return [(name, what, render(stmt["predicate"], signature)) for name, what, render in formats]


def _signed_plan(inventory: Path | None, mlflow_uri: str | None, as_of: str | None, pack_dirs: tuple[Path, ...],
                 params_file: Path | None, signer, previous: Path | None, trust_file: Path | None, workers: int,
                 tag_prefix: str, engine: str, cross_check: str | None) -> tuple[dict, dict, dict, list | None]:
    """Audit the inventory and sign the plan: (statement, envelope, outcome, changes). Nothing is written."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..audit import plan as plan_mod
    from ..audit.inventory import read_jsonl
    from ..audit.retention import audit, deleted_findings, diff
    from ..packs import load_packs
    from ..resources import data_dir
    from ..verdict import gate as gate_module

    packs = load_packs(list(pack_dirs) or [data_dir("policies") / "retention"])
    when = _as_of(as_of)
    previous_entries = None
    deleted: list[dict] = []
    if previous is not None:
        previous_entries = _verified_previous(previous, signer, trust_file, when)
    if inventory is not None:
        items, source, total = read_jsonl(inventory, parse=False), str(inventory), _count_lines(inventory)
    else:
        from ..audit.mlflow_inventory import read_registry

        versions = list(read_registry(mlflow_uri, tag_prefix, deleted))
        items, source, total = iter(versions), _redacted(None, mlflow_uri), len(versions)
    console = Console(stderr=True, highlight=False)
    with Progress(TextColumn("auditing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                  transient=True, disable=not console.is_terminal) as bar:
        task = bar.add_task("audit", total=total)
        outcome = audit(items, packs, when, workers or None, _params(params_file),
                        progress=lambda n: bar.advance(task, n), engine=engine, cross_check=cross_check)
    changes = diff(outcome["entries"], previous_entries, when) if previous_entries is not None else None
    if mlflow_uri:
        outcome["deleted"] = deleted_findings(deleted, previous_entries)
    stmt = plan_mod.statement(outcome, packs, when, source, changes, gate_module.clock())
    envelope = plan_mod.sign(stmt, signer)
    return stmt, envelope, outcome, changes


def _redacted(inventory: Path | None, mlflow_uri: str | None) -> str:
    """Where the inventory came from, for the log: a URL without its user name or password."""
    if inventory is not None:
        return str(inventory)
    from urllib.parse import urlsplit

    parts = urlsplit(mlflow_uri or "")
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


@audit_group.command("integrity")
@click.argument("statements", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--key", "keys", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Trusted public key (repeatable).")
@click.option("--trust", "trust_file", type=click.Path(dir_okay=False, path_type=Path), help="Trust file of keys.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path),
              help="Archive directory: subjects are looked up as ROOT/NAME, and plan paths relative to it.")
@click.option("--json", "as_json", is_flag=True)
def audit_integrity_cmd(statements: tuple[Path, ...], keys: tuple[Path, ...], trust_file: Path | None,
                        root: Path | None, as_json: bool) -> None:
    """Re-hash archived artifacts against the sha256 digests in signed verdicts and retention plans.

    Exit 0: every subject found and unchanged; 1: a subject changed or is missing; 2: a statement
    is not signed by a trusted key, or a subject could not be read (no location, fsspec missing).
    """
    from ..audit import integrity
    from ..signing import dsse
    from .app import _trusted_keys

    trusted = _trusted_keys(keys, trust_file, "audit integrity")
    rows = []
    for path in statements:
        raw = read_bounded(path, limit=1 << 31)
        try:
            payload_type, payload, signatures = dsse.decode(parse_json(raw.text(), raw.display))
        except dsse.EnvelopeError as exc:
            raise MlgovError(f"{raw.display}: {exc}") from None
        if dsse.verified_by(payload_type, payload, signatures, [t.key for t in trusted]) is None:
            raise MlgovError(f"{raw.display}: not signed by a trusted key; its digests are not used")
        statement = parse_json(payload.decode("utf-8", "replace"), raw.display)
        rows += [integrity.check(s, root) for s in integrity.subjects(statement, raw.display)]
    if as_json:
        _write_json(rows, None)
    else:
        for row in rows:
            click.echo(f"{row['status']:<12} {row['name']}  sha256:{row['sha256'][:16]}…  "
                       f"{row.get('location') or ''}{(' ' + row['detail']) if row.get('detail') else ''}")
    statuses = {row["status"] for row in rows}
    if "unverifiable" in statuses or not rows:
        raise SystemExit(2)
    if statuses & {"changed", "missing"}:
        raise SystemExit(1)


def _count_lines(path: Path) -> int:
    try:
        with open(path, "rb") as fh:
            return sum(1 for line in fh if line.strip())
    except OSError as exc:
        raise MlgovError(f"{path}: cannot read the inventory: {exc.strerror or exc}") from None


@main.command("impact")
@click.argument("artifact")
@click.option("--inventory", type=click.Path(dir_okay=False, path_type=Path),
              help="JSON lines of documents (or give bundles/documents as --input).")
@click.option("--input", "inputs", multiple=True, help="A bundle or document to search (repeatable).")
@click.option("--json", "as_json", is_flag=True)
def impact_cmd(artifact: str, inventory: Path | None, inputs: tuple[str, ...], as_json: bool) -> None:
    """Everything downstream of ARTIFACT (a lineage node such as dataset:loan-applications, or a
    subject name or sha256): models, deployments and their owners. Run before retiring anything."""
    from ..audit.impact import impact
    from ..audit.inventory import read_jsonl

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


def _verified_previous(previous: Path, signer, trust_file: Path | None, as_of: dict) -> list[dict]:
    """The entries of the previous plan, only if it verifies (by the signing clock) and comes
    before this audit: an unsigned or forged plan would let anyone rewrite the history the next
    plan reports changes against, and a plan as of a later date than this audit's is not its past."""
    from ..signing.trust import TrustedKey, load_trust
    from ..verdict import gate as gate_module
    from ..verdict.verify import PLAN_PREDICATE_TYPE, plan_as_of, verify

    keys = [TrustedKey("the signing key", signer.public)] + (load_trust(trust_file) if trust_file else [])
    result = verify(previous, keys, at=gate_module.clock(), limit=1 << 31)
    failed = next((c for c in result.checks if not c.ok), None)
    if failed is not None:
        raise MlgovError(f"{previous}: the previous plan does not verify ({failed.name}: {failed.message})")
    if result.statement is None or result.statement.get("predicateType") != PLAN_PREDICATE_TYPE:
        raise MlgovError(f"{previous}: not a signed retention plan")
    before = plan_as_of(result.statement["predicate"])
    if before is not None and before.timestamp() > as_of["epoch_s"]:
        raise MlgovError(f"{previous}: the previous plan is an audit as of "
                         f"{result.statement['predicate']['as_of']['utc']}, later than this audit's date "
                         f"{as_of['utc']}; give a plan of an earlier audit as --previous")
    return result.statement["predicate"]["entries"]
