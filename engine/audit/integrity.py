"""Archived artifacts re-hashed against the sha256 digests in signed verdicts and retention plans,
so an archive can be shown unchanged years later. Only statements signed by a trusted key are
used. Local paths and ``file://`` URIs are read directly (regular files only); any other URI goes
through ``fsspec`` when it is installed (with the filesystem's own package: s3fs, gcsfs, adlfs...),
and is otherwise reported as unverifiable, never as verified."""

from __future__ import annotations

import hashlib
import os
import stat
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHUNK = 1 << 20


@dataclass
class Subject:
    """One artifact a signed statement names: its digest and where it may be found."""

    name: str
    sha256: str
    statement: str
    locations: list[str] = field(default_factory=list)


def subjects(statement: dict[str, Any], where: str) -> list[Subject]:
    """The subjects of a verdict or plan statement, with the locations a plan records for each
    (its entries' subject ``path`` and ``uri``)."""
    found: dict[tuple[str, str], Subject] = {}
    for s in statement.get("subject", []):
        digest = s.get("digest", {}).get("sha256")
        if isinstance(digest, str) and s.get("name"):
            found.setdefault((s["name"], digest), Subject(s["name"], digest, where))
    for entry in statement.get("predicate", {}).get("entries", []):
        for s in entry.get("subjects", []):
            subject = found.get((s.get("name"), s.get("digest", {}).get("sha256")))
            if subject is not None:
                subject.locations += [loc for loc in (s.get("path"), s.get("uri")) if loc and loc not in
                                      subject.locations]
    return list(found.values())


def check(subject: Subject, root: Path | None) -> dict[str, Any]:
    """ok, changed (another digest), missing, or unverifiable (no location, or one mlgov cannot read)."""
    candidates = list(subject.locations)
    if root is not None:
        candidates = [subject.name, *candidates]
    row: dict[str, Any] = {"name": subject.name, "sha256": subject.sha256, "statement": subject.statement}
    if not candidates:
        return {**row, "status": "unverifiable", "detail": "the statement records no location (give --root DIR)"}
    notes = []
    for location in candidates:
        try:
            digest = _hash(location, root)
        except FileNotFoundError as exc:
            notes.append(("missing", f"{location}: {exc.args[0] if exc.args else 'not found'}"))
            continue
        except _Unreadable as exc:
            notes.append(("unverifiable", f"{location}: {exc}"))
            continue
        if digest == subject.sha256:
            return {**row, "status": "ok", "location": location}
        return {**row, "status": "changed", "location": location, "detail": f"sha256 is now {digest}"}
    status = "missing" if all(kind == "missing" for kind, _ in notes) else "unverifiable"
    return {**row, "status": status, "detail": "; ".join(note for _, note in notes)}


class _Unreadable(Exception):
    """A location that cannot be read here (unknown scheme, fsspec missing, not a regular file)."""


def _hash(location: str, root: Path | None) -> str:
    parts = urllib.parse.urlsplit(location)
    if len(parts.scheme) <= 1:  # a plain path (a one-letter scheme is a Windows drive)
        path = Path(location)
        if path.is_absolute() or root is None:
            return _hash_local(path)
        inside = (root / path).resolve()
        if not inside.is_relative_to(root.resolve()):
            raise _Unreadable(f"leads out of {root}")
        return _hash_local(root / path)
    if parts.scheme == "file":
        return _hash_local(Path(urllib.request.url2pathname(parts.path)))
    try:
        import fsspec
    except ImportError:
        raise _Unreadable("fsspec is not installed (pip install fsspec and the filesystem's package, "
                          f"e.g. s3fs for s3://): {parts.scheme}:// cannot be read") from None
    try:
        with fsspec.open(location, "rb") as fh:
            return _digest(fh)
    except FileNotFoundError:
        raise FileNotFoundError("not found") from None
    except (ValueError, ImportError, OSError) as exc:
        raise _Unreadable(f"{type(exc).__name__}: {exc}") from None


def _hash_local(path: Path) -> str:
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        raise FileNotFoundError("not found") from None
    except OSError as exc:
        raise _Unreadable(exc.strerror or str(exc)) from None
    if not stat.S_ISREG(info.st_mode):
        raise _Unreadable("not a regular file (symlinks and special files are not followed)")
    with open(path, "rb") as fh:
        return _digest(fh)


def _digest(fh: Any) -> str:
    h = hashlib.sha256()
    while chunk := fh.read(CHUNK):
        h.update(chunk)
    return h.hexdigest()
