"""Publishing checkpoints somewhere the log's operator does not control alone (a directory on
another machine or mount, or a git repository pushed elsewhere), so that a log rolled back to an
older copy, truncated or rewritten no longer extends what was published.

Layout: ``LOCATION/<log id>/origin`` (the log's origin line) and one C2SP checkpoint per
published size in ``LOCATION/<log id>/checkpoints/<size>``. Before publishing, the new
checkpoint's signature is checked and a consistency proof from the newest published one is
verified, as a witness does: an inconsistent log is refused, never published over."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from ..errors import MlgovError
from . import merkle, note
from .log import AuditLog

MAX_WITNESSED = 100_000


class WitnessError(MlgovError):
    """The witness location cannot be read or written."""


class Inconsistent(MlgovError):
    """The log does not extend what the witness holds: exit 1, nothing published."""

    exit_code = 1


def log_dir(location: Path, origin: str) -> Path:
    return Path(location) / hashlib.sha256(origin.encode()).hexdigest()[:16]


def witnessed(location: Path, origin: str) -> list[tuple[str, str]]:
    """Every published checkpoint of the log: (file, signed note text), oldest first."""
    folder = log_dir(location, origin) / "checkpoints"
    if not Path(location).is_dir():
        raise WitnessError(f"{location}: no witness location there")
    if not folder.is_dir():
        return []
    names = sorted((p for p in folder.iterdir() if p.name.isdigit()), key=lambda p: int(p.name))
    if len(names) > MAX_WITNESSED:
        raise WitnessError(f"{folder}: more than {MAX_WITNESSED} checkpoints")
    out = []
    for path in names:
        if not path.is_file() or path.is_symlink():
            raise WitnessError(f"{path}: not a regular file")
        out.append((str(path), path.read_text(encoding="utf-8")))
    return out


def publish(log: AuditLog, location: Path, keys: list[Any]) -> str:
    """Publish the log's newest checkpoint after proving it extends the newest published one."""
    latest = log.store.last_checkpoint()
    if latest is None or latest.note is None:
        raise MlgovError(f"{log.store.where}: no signed checkpoint to publish (run `mlgov log checkpoint`)")
    try:
        new = note.open_checkpoint(latest.note, keys, log.origin)
    except note.NoteError as exc:
        raise MlgovError(f"{log.store.where}: newest checkpoint: {exc}") from None
    location = Path(location)
    location.mkdir(parents=True, exist_ok=True)
    published = witnessed(location, log.origin)
    if published:
        path, text = published[-1]
        try:
            old = note.open_checkpoint(text, keys, log.origin)
        except note.NoteError as exc:
            raise WitnessError(f"{path}: {exc}") from None
        if old.size > new.size:
            raise Inconsistent(f"{log.store.where}: the log's newest checkpoint covers {new.size} entries, the "
                               f"witness already holds one covering {old.size} (rolled back?)")
        if old.size == new.size:
            if old.root != new.root:
                raise Inconsistent(f"{log.store.where}: two different roots at size {new.size}")
            return f"already witnessed: {new.size} entries"
        proof = log.consistency_proof(old.size, new.size) if old.size else []
        if old.size and not merkle.verify_consistency(old.size, new.size, old.root, new.root, proof):
            raise Inconsistent(f"{log.store.where}: the log of {new.size} entries does not extend the witnessed "
                               f"checkpoint of {old.size} ({path}): history rewritten or rolled back")
    folder = log_dir(location, log.origin)
    (folder / "checkpoints").mkdir(parents=True, exist_ok=True)
    (folder / "origin").write_text(log.origin + "\n", encoding="utf-8")
    target = folder / "checkpoints" / str(new.size)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_text(latest.note, encoding="utf-8")
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, target)
    if (location / ".git").exists():
        _commit(location, f"checkpoint {log.origin} {new.size}")
    return f"witnessed: {new.size} entries, root {new.root.hex()}"


def _commit(repo: Path, message: str) -> None:
    git = shutil.which("git")
    if git is None:
        raise WitnessError(f"{repo}: a git repository, but git is not installed")
    env = {**os.environ, "GIT_AUTHOR_NAME": "mlgov", "GIT_AUTHOR_EMAIL": "mlgov@localhost",
           "GIT_COMMITTER_NAME": "mlgov", "GIT_COMMITTER_EMAIL": "mlgov@localhost"}
    for args in (["add", "-A"], ["commit", "-q", "-m", message]):
        done = subprocess.run([git, "-C", str(repo), *args], capture_output=True, text=True, env=env, check=False)
        if done.returncode:
            raise WitnessError(f"{repo}: git {args[0]} failed: {' '.join(done.stderr.split())[:200]}")
