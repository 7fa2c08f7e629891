"""The ``mlgov`` command group and what every command shares: fail-closed error handling (one
line on stderr, exit 2), output writers, and option parsing helpers. Commands live beside it,
one module per area; each is a thin layer over the Python API."""

from __future__ import annotations

import json
import os
import sys
import traceback
from pathlib import Path

import click

from .. import __version__
from ..errors import EXIT_CANNOT_EVALUATE, MlgovError
from ..resources import builtin_packs
from ..safeio import parse_yaml, read_bounded


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


def with_engine_options(command):
    """Adds --engine, --cross-check and --opa-url: the same three options on eval and gate."""
    from ..engines.interface import ENGINES

    for option in reversed([
        click.option("--engine", type=click.Choice(ENGINES), default="regorus", show_default=True,
                     help="Rego engine: regorus (default), opa (real OPA in process), regopy, opa-server."),
        click.option("--cross-check", type=click.Choice(ENGINES),
                     help="Also evaluate the Rego rules with this engine (e.g. opa); any difference fails closed."),
        click.option("--opa-url", help="OPA server for --engine/--cross-check opa-server, e.g. http://127.0.0.1:8181"),
    ]):
        command = option(command)
    return command


def with_input_trust(command):
    """Adds --input-key / --input-trust: keys trusted to sign input attestations (DSSE envelopes,
    Sigstore bundles). Facts from envelopes they verify are marked verified in the provenance."""
    import functools

    @click.option("--input-trust", type=click.Path(dir_okay=False, path_type=Path),
                  help="TrustedKeys file (the --trust format) of keys that sign input attestations.")
    @click.option("--input-key", "input_keys", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
                  help="Public key (PEM) trusted to sign input attestations (in-toto/SLSA in DSSE or "
                       "Sigstore bundles); repeatable. Facts from envelopes it verifies are marked verified.")
    @functools.wraps(command)
    def wrapper(*args, input_keys: tuple[Path, ...] = (), input_trust: Path | None = None, **kwargs):
        from ..sources.signed_inputs import load_input_keys, trusted_inputs

        with trusted_inputs(load_input_keys(input_keys, input_trust)):
            return command(*args, **kwargs)

    return wrapper


def _write_json(data: object, out: Path | None) -> None:
    text = json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False) + "\n"
    if out is None:
        sys.stdout.write(text)
        return
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)  # never leave a half-written document behind


_SEVERITIES = ("critical", "high", "medium", "low", "info")


def _as_of(value: str | None) -> dict:
    from datetime import UTC, datetime

    from .. import timeutil

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
    from ..packs.params import Params

    return Params(data, raw.display)  # checked against the loaded packs by the evaluator


def _packs(dirs: tuple[Path, ...]) -> list:
    from ..packs import load_packs

    return load_packs(list(dirs) or builtin_packs())


def _trusted_keys(keys: tuple[Path, ...], trust_file: Path | None, command: str) -> list:
    """Public keys to trust, from --key files and a --trust file; none at all is an error."""
    from ..signing.keys import load_public
    from ..signing.trust import TrustedKey, load_trust

    if not keys and not trust_file:
        raise MlgovError(f"{command} needs --key PUBLIC_KEY or --trust FILE: a signature is only as good as the key")
    trusted = [TrustedKey(str(k), load_public(k)) for k in keys]
    if trust_file:
        trusted += load_trust(trust_file)
    return trusted


def _duration_days(text: str, option: str) -> int:
    from ..packs.yaml_rules import parse_duration

    try:
        d = parse_duration(text)
    except ValueError:
        raise MlgovError(f"{option}: not a duration: {text!r} (e.g. 90d, 6mo, 1y)") from None
    return d.years * 365 + d.months * 30 + d.delta.days


def _record_failure(log, kind: str, exc: Exception, details: dict) -> None:
    """Log a run that failed (an ``error`` entry); if even that fails, say both causes (exit 2 either way)."""
    message = exc.one_line() if isinstance(exc, MlgovError) else f"internal error: {type(exc).__name__}: {exc}"
    try:
        log.append(kind, [], "error", details={"error": message[:2000], **details})
    except MlgovError as log_exc:
        raise MlgovError(f"{message}; and the failure could not be recorded: {log_exc.one_line()}") from None


def _release(path: Path, write, what: str, recorded: str | None) -> None:
    """Run ``write`` (it writes ``path``), after the decision was recorded in the audit log (or
    with no log). If it fails, one line says so: the log entry, if any, holds what was decided;
    the file does not exist (exit 2)."""
    try:
        write()
    except (OSError, MlgovError) as exc:
        cause = exc.one_line() if isinstance(exc, MlgovError) else " ".join(str(exc.strerror or exc).split())
        after = f"{recorded} records the decision, but" if recorded else "so"
        raise MlgovError(f"{path}: cannot write the {what}: {cause}; {after} no {what} was written") from None


def _write_text(text: str, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # no half-written file is left beside the real one
        raise
