"""What every source reader is: detect by content, then turn one parsed file into facts.

Readers never build the document themselves; they state facts with locations, and the
builder merges them. That keeps each reader small and testable on its own.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from ..document.facts import FactList
from ..document.schema import validate
from ..document.vocab import MAX_LICENSE_EXPRESSION_CHARS, MAX_NAME_CHARS
from ..errors import InputError
from ..safeio import RawFile, escape_pointer

PRIMARY_MODEL = "model:@primary"
"""Node id a source uses for the model being released; replaced by its real id after merging."""


@dataclass(frozen=True)
class Loaded:
    """A parsed input file: ``data`` is the JSON/YAML value (front matter for Markdown)."""

    raw: RawFile
    syntax: str  # json | jsonl | yaml | markdown
    data: Any
    body: str | None = None
    body_line: int = 1

    @property
    def display(self) -> str:
        return self.raw.display


class Source(ABC):
    format: str = ""
    description: str = ""
    schema: str | None = None
    """Schema (under ``schemas/``) of the fields this reader relies on; checked before reading."""

    def read(self, loaded: Loaded) -> FactList:
        """Check the input against its schema, then read it: wrong types fail with a pointer."""
        name = self.schema_for(loaded)
        if name:
            validate(loaded.data, name, loaded.display)
        facts = self.facts(loaded)
        check_limits(facts, loaded.display)
        return facts

    def schema_for(self, loaded: Loaded) -> str | None:
        return self.schema

    @abstractmethod
    def detect(self, loaded: Loaded) -> bool:
        """True when the content (not the file name) is this format."""

    def why_not(self, loaded: Loaded) -> str | None:
        """When the content nearly is this format: why it is not (for "unknown format" errors)."""
        return None

    @abstractmethod
    def facts(self, loaded: Loaded) -> FactList:
        """Facts stated by the file, each with where in the file it was read."""


_LIMITED = {"name": MAX_NAME_CHARS, "version": MAX_NAME_CHARS, "license": MAX_LICENSE_EXPRESSION_CHARS}


def check_limits(facts: FactList, display: str) -> None:
    """Names, versions and licence expressions longer than their documented limits are refused
    here, naming the field, before anything downstream spends time on them."""
    for fact in facts:
        key = fact.path[1] if len(fact.path) > 2 else ""
        if len(key) > MAX_NAME_CHARS:
            raise InputError(display, f"a name of {len(key)} characters is longer than the "
                                      f"{MAX_NAME_CHARS}-character limit", _pointer(fact.at))
        limit = _LIMITED.get(fact.path[-1])
        if limit and isinstance(fact.value, str) and len(fact.value) > limit:
            raise InputError(display, f"{fact.path[-1]} of {len(fact.value)} characters is longer than the "
                                      f"{limit}-character limit", _pointer(fact.at))


def _pointer(at: str) -> str | None:
    return at if at.startswith(("/", "payload:", "line ")) or at == "" else None


def ptr(*parts: object) -> str:
    """JSON pointer from path parts."""
    return "".join("/" + escape_pointer(str(p)) for p in parts)


def add_edge(facts: FactList, frm: str, typ: str, to: str, at: str) -> None:
    key = f"{frm}|{typ}|{to}"
    facts.add(("lineage", "edges", key, "from"), frm, at)
    facts.add(("lineage", "edges", key, "to"), to, at)
    facts.add(("lineage", "edges", key, "type"), typ, at)


def as_list(value: Any) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
