"""``mlgov approve``: a signed approval (or rejection) of a release's artifacts."""

from __future__ import annotations

from pathlib import Path

import click

from .app import _write_json, main


@main.command("approve")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--key", "key_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The approver's private key (PEM); passphrase from --key-passphrase-env.")
@click.option("--key-passphrase-env", default="MLGOV_KEY_PASSPHRASE", show_default=True)
@click.option("--name", required=True, help="The approver's name, as the approver policy lists it.")
@click.option("--email", help="The approver's e-mail.")
@click.option("--team", help="The approver's team (independence is judged on teams too).")
@click.option("--role", required=True, help="The role signed for (e.g. model_owner, independent_validator).")
@click.option("--decision", type=click.Choice(["approve", "conditional", "reject", "revoke"]), required=True)
@click.option("--meaning", required=True,
              help="What the signature means (21 CFR 11.50), e.g. 'validated for production use'.")
@click.option("--subject", "subjects", multiple=True,
              help="Approve only this released artifact (by name); repeatable. Default: every artifact.")
@click.option("--condition", "conditions", multiple=True, help="A condition of the approval; repeatable.")
@click.option("--expires", help="The approval lapses at this time (RFC 3339 or date).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the approval here (default: stdout). List it under `metadata:` in the bundle, or "
                   "pass it to the gate as an input.")
def approve_cmd(inputs: tuple[str, ...], key_path: Path, key_passphrase_env: str, name: str, email: str | None,
                team: str | None, role: str, decision: str, meaning: str, subjects: tuple[str, ...],
                conditions: tuple[str, ...], expires: str | None, out: Path | None) -> None:
    """Sign an approval attestation: DSSE + in-toto Statement over the artifacts' digests."""
    from .. import timeutil
    from ..signing.keys import load_signer
    from ..verdict.approve import approve

    signer = load_signer(key_path, key_passphrase_env)
    until = timeutil.to_datetime(expires, "--expires", None) if expires else None
    envelope = approve(list(inputs), signer, name, role, decision, meaning, email, subjects, until,
                       conditions=conditions, team=team)
    _write_json(envelope, out)
    if out is not None:
        click.echo(f"wrote {out}: {decision} as {role} by {name}, key {signer.keyid}", err=True)


@main.command("waive")
@click.argument("waivers_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--key", "key_path", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The private key of the person granting the waivers (PEM).")
@click.option("--key-passphrase-env", default="MLGOV_KEY_PASSPHRASE", show_default=True)
@click.option("--name", required=True, help="Who grants the waivers, as the approver policy lists them.")
@click.option("--email")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Default: stdout.")
def waive_cmd(waivers_file: Path, key_path: Path, key_passphrase_env: str, name: str, email: str | None,
              out: Path | None) -> None:
    """Sign a waivers file: the signer approves every waiver in it, now. Only a signer the
    approver policy grants waiver authority makes them count (gate --approvers)."""
    from datetime import UTC, datetime

    from ..evaluation.waivers import load_waivers
    from ..signing import signed_waivers
    from ..signing.keys import load_signer

    signer = load_signer(key_path, key_passphrase_env)
    waivers = [{k: v for k, v in w.items() if not k.startswith("_") and k != "approved"}
               for w in load_waivers(waivers_file)]
    for w in waivers:
        w["expires"] = str(w["expires"])
    who = {"name": name, **({"email": email} if email else {})}
    envelope = signed_waivers.sign(waivers, who, signer, datetime.now(UTC).replace(microsecond=0))
    _write_json(envelope, out)
