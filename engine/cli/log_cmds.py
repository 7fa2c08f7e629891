"""The audit-log commands: mlgov log verify, query, show, checkpoint, prove, consistency, check-proof and
record-waivers."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape

from ..safeio import parse_json, read_bounded
from .app import MlgovError, _trusted_keys, _write_json, _write_text, main


@main.group("log")
def log_group() -> None:
    """The tamper-evident audit log (a SQLite file or a postgresql:// URL; --log or $MLGOV_LOG)."""


_log_option = click.option("--log", "log_path", envvar="MLGOV_LOG",
                           help="Audit log: a SQLite file or a postgresql:// URL (default: $MLGOV_LOG).")
_key_options = [
    click.option("--key", "keys", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
                 help="Trusted public key (PEM); repeatable."),
    click.option("--trust", "trust_file", type=click.Path(dir_okay=False, path_type=Path), help="Trust file."),
]


def _with_keys(fn):
    for option in reversed(_key_options):
        fn = option(fn)
    return fn


def _open_log(log_path: str | None, must_exist: bool = True):
    from ..auditlog.log import ENV_VAR, AuditLog, is_url

    where = log_path or os.environ.get(ENV_VAR) or None
    if where is not None and must_exist and not is_url(where) and not Path(where).exists():
        raise MlgovError(f"{where}: no audit log there")
    return AuditLog.open(where)


def _read_head(path: Path) -> dict | str:
    """A saved checkpoint: a C2SP signed note or mlgov's DSSE envelope (JSON)."""
    raw = read_bounded(path)
    text = raw.text()
    return parse_json(text, raw.display) if text.lstrip().startswith("{") else text


@log_group.command("verify")
@_log_option
@_with_keys
@click.option("--trusted-checkpoint", type=click.Path(dir_okay=False, path_type=Path),
              help="A checkpoint you saved earlier (signed note or JSON): the log must still extend it.")
@click.option("--witness", "witnesses", multiple=True, type=click.Path(file_okay=False, path_type=Path),
              help="A witness location (`mlgov log witness`): the log must extend every checkpoint published there.")
@click.option("--allow-unsigned-tail", is_flag=True,
              help="Accept entries after the last signed checkpoint (a run that stopped before signing).")
@click.option("--json", "as_json", is_flag=True)
def log_verify_cmd(log_path: str | None, keys: tuple[Path, ...], trust_file: Path | None,
                   trusted_checkpoint: Path | None, witnesses: tuple[Path, ...], allow_unsigned_tail: bool,
                   as_json: bool) -> None:
    """Recompute every hash, check the schema, every row and every signed checkpoint.
    Exit 0 only if the log is intact; 1 if it is not."""
    from ..auditlog.witness import witnessed

    log = _open_log(log_path)
    trusted = _trusted_keys(keys, trust_file, "log verify")
    saved = _read_head(trusted_checkpoint) if trusted_checkpoint is not None else None
    published = {location: witnessed(location, log.origin) for location in witnesses}
    check = log.verify(trusted, saved, [item for items in published.values() for item in items], allow_unsigned_tail)
    for location, items in published.items():
        if not items:
            check.fail(f"{location}: no checkpoint of {log.origin} was ever witnessed there (origin changed?)")
    if as_json:
        _write_json(check.as_dict(), None)
    else:
        for problem in check.problems:
            click.echo(f"FAIL {problem}")
        state = "intact" if check.ok else "TAMPERED"
        if check.more:
            click.echo(f"FAIL ... and {check.more} more problems")
        witnessed_text = f", {check.witnessed} witnessed checkpoints extended" if witnesses else ""
        click.echo(f"log {state}: {check.size} entries, {check.checkpoints} signed checkpoints verified"
                   f"{witnessed_text}, {check.uncovered} entries after the last checkpoint")
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
def log_query_cmd(log_path: str | None, subject: str | None, kind: str | None, decision: str | None,
                  since: str | None, until: str | None, limit: int, as_json: bool) -> None:
    """List entries, filtered by subject, kind, decision and time."""
    from fnmatch import fnmatchcase

    from rich.table import Table

    from .. import timeutil

    low = timeutil.to_datetime(since, "--since", None) if since else None
    high = timeutil.to_datetime(until, "--until", None) if until else None
    rows = []
    log = _open_log(log_path)
    unfiltered = not (kind or decision or subject or low or high)
    start = log.store.size() - limit + 1 if limit and unfiltered else 1  # `log show`: read only the newest
    for entry in log.entries(start):
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
def log_show_cmd(ctx: click.Context, log_path: str | None, limit: int, as_json: bool) -> None:
    """The newest entries."""
    ctx.invoke(log_query_cmd, log_path=log_path, subject=None, kind=None, decision=None, since=None, until=None,
               limit=limit, as_json=as_json)


@log_group.command("checkpoint")
@_log_option
@click.option("--key", "key_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Private key that signs the tree head.")
@click.option("--key-passphrase-env", default="MLGOV_KEY_PASSPHRASE", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Also save the signed checkpoint (JSON) here (keep it: `log verify --trusted-checkpoint`).")
@click.option("--note", "note_out", type=click.Path(dir_okay=False, path_type=Path),
              help="Also save it as a C2SP signed note (the format of Go's checksum database and Rekor).")
def log_checkpoint_cmd(log_path: str | None, key_path: Path, key_passphrase_env: str, output: Path | None,
                       note_out: Path | None) -> None:
    """Sign the current tree head (size and root)."""
    from ..signing.keys import load_signer

    log = _open_log(log_path)
    envelope = log.checkpoint(load_signer(key_path, key_passphrase_env))
    if output:
        _write_json(envelope, output)
    if note_out:
        _write_text(log.store.last_checkpoint().note, note_out)
    import base64 as b64

    head = json.loads(b64.b64decode(envelope["payload"]))
    click.echo(f"checkpoint: {head['size']} entries, root {head['root_hash']}")


@log_group.command("witness")
@_log_option
@_with_keys
@click.option("--to", "location", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="The witness location: a directory elsewhere (a git repository is committed to).")
def log_witness_cmd(log_path: str | None, keys: tuple[Path, ...], trust_file: Path | None, location: Path) -> None:
    """Publish the newest signed checkpoint to LOCATION after proving the log extends the newest
    one published there. Exit 1 (nothing published) if it does not."""
    from ..auditlog.witness import publish

    log = _open_log(log_path)
    click.echo(publish(log, location, [k.key for k in _trusted_keys(keys, trust_file, "log witness")]))


@log_group.command("migrate")
@_log_option
@click.option("--key", "key_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The private key that signed the log's checkpoints (it signs their C2SP notes).")
@click.option("--key-passphrase-env", default="MLGOV_KEY_PASSPHRASE", show_default=True)
def log_migrate_cmd(log_path: str | None, key_path: Path, key_passphrase_env: str) -> None:
    """Carry a SQLite log written by an earlier mlgov into the current schema (intact logs only)."""
    from ..auditlog.log import ENV_VAR, is_url
    from ..auditlog.migrate import migrate
    from ..signing.keys import load_signer

    where = log_path or os.environ.get(ENV_VAR)
    if not where or is_url(where) or not Path(where).is_file():
        raise MlgovError(f"{where}: log migrate needs an existing SQLite log file")
    click.echo(migrate(Path(where), load_signer(key_path, key_passphrase_env)))


@log_group.command("prove")
@click.argument("seq", type=int)
@_log_option
@click.option("--tree-size", type=int, help="Prove against the signed checkpoint of this size "
              "(default: the first one covering the entry).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def log_prove_cmd(seq: int, log_path: str | None, tree_size: int | None, output: Path | None) -> None:
    """Inclusion proof of entry SEQ: checkable with only the proof and a trusted key."""
    _write_json(_open_log(log_path).prove(seq, tree_size), output)


@log_group.command("consistency")
@click.argument("old_size", type=int)
@click.argument("new_size", type=int)
@_log_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path))
def log_consistency_cmd(old_size: int, new_size: int, log_path: str | None, output: Path | None) -> None:
    """Consistency proof between two signed checkpoints: the log only grew."""
    _write_json(_open_log(log_path).consistency(old_size, new_size), output)


@log_group.command("check-proof")
@click.argument("proof_file", type=click.Path(dir_okay=False, path_type=Path))
@_with_keys
def log_check_proof_cmd(proof_file: Path, keys: tuple[Path, ...], trust_file: Path | None) -> None:
    """Check an inclusion or consistency proof offline, against a trusted key."""
    from ..auditlog.log import check_consistency, check_inclusion

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
@click.option("--approvers", "approvers_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Approver trust policy (YAML), as the gate takes it: a waiver is recorded as approved only "
                   "when its signature verifies against a key it gives waiver authority.")
def log_record_waivers_cmd(waivers_file: Path, log_path: str | None, key_path: Path | None,
                           approvers_file: Path | None) -> None:
    """Record each waiver of a file (the decision to grant an exception) in the audit log.

    Decision: approved (signature verified now against --approvers; signer and keyid recorded),
    rejected (signed, not accepted), signature_not_verified (signed, no --approvers),
    claimed_unverified (unsigned, names an approver), unapproved."""
    from ..auditlog.waivers import waiver_entry
    from ..evaluation.waivers import load_waivers
    from ..signing.approver_policy import load_approver_policy
    from ..signing.authenticate import authenticate_waivers
    from ..signing.keys import load_signer

    waivers = load_waivers(waivers_file)
    authenticate_waivers(waivers, load_approver_policy(approvers_file) if approvers_file else None, _clock())
    log = _open_log(log_path, must_exist=False)
    for w in waivers:
        decision, details = waiver_entry(w)
        seq = log.append("waiver", [{"name": s} for s in w["subjects"]], decision, details=details)
        click.echo(f"entry {seq}: waiver {w['id']} for {w['rule']}: {decision} ({details['authentication']['reason']})")
    if key_path:
        log.checkpoint(load_signer(key_path))


def _clock() -> datetime:
    """When a waiver's signature is checked for recording: the clock (tests replace this function)."""
    return datetime.now(UTC)
