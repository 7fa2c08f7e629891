"""Inventories: JSON lines of canonical documents, one per artifact. A line that cannot be read
or is not a valid document is reported by line (and document id when known), never skipped."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, MlgovError
from ..safeio import MAX_FILE_BYTES, parse_json, read_lines

MAX_INVENTORY_BYTES = 8 * 1024 * 1024 * 1024  # the file is streamed; each line is bounded


@dataclass
class Item:
    """One inventory entry: a document (or its raw JSON line, parsed by whoever evaluates it), or
    why it could not be read."""

    where: str
    document: dict[str, Any] | None = None
    error: str | None = None
    raw: bytes | None = None

    def parsed(self) -> Item:
        if self.raw is None:
            return self
        try:
            return Item(self.where, document=parse_json(self.raw.decode("utf-8").strip(), self.where))
        except UnicodeDecodeError:
            return Item(self.where, error="not UTF-8")
        except InputError as exc:
            return Item(self.where, error=exc.message)

    @property
    def name(self) -> str:
        if self.document and self.document.get("document_id"):
            return self.document["document_id"]
        return self.where


def read_jsonl(path: Path, parse: bool = True) -> Iterator[Item]:
    """Entries of a JSON-lines inventory; with ``parse=False`` lines are left raw (parsed later,
    in the worker that evaluates them, rather than parsed here and pickled across)."""
    try:
        lines = read_lines(path, str(path), MAX_FILE_BYTES, MAX_INVENTORY_BYTES)
        for number, raw in lines:  # each line's length is checked while it is read
            where = f"{path}:{number}"
            if raw is None:
                yield Item(where, error=f"line longer than {MAX_FILE_BYTES} bytes")
                continue
            if not raw.strip():
                continue
            item = Item(where, raw=raw)
            yield item.parsed() if parse else item
    except InputError as exc:
        raise MlgovError(f"{path}: cannot read the inventory: {exc.message}") from None
