"""What a source says: facts addressed by a document path, each with where it was read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SourceRef:
    """One input file: the path shown to users, its format and the sha256 of its bytes."""

    path: str
    format: str
    sha256: str


@dataclass(frozen=True)
class Fact:
    """A single statement about the release.

    ``path`` addresses the canonical document; inside a keyed collection (datasets,
    approvals, ...) the component after the collection name is the entity key, not an index.
    ``at`` is where in the source the value was read (a JSON pointer, or ``line N``).
    ``union`` lists merge as sets instead of conflicting.
    """

    path: tuple[str, ...]
    value: Any
    at: str
    union: bool = False
    signature: dict | None = None  # for facts read inside a signed envelope: was it verified, by which key


class FactList(list):
    """Facts from one source with a helper that skips absent values."""

    def add(self, path: tuple[str, ...], value: Any, at: str, union: bool = False) -> None:
        if value is None or value == "" or value == [] or value == {}:
            return
        self.append(Fact(tuple(path), value, at, union))
