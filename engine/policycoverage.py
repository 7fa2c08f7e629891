"""Line coverage of Rego packs, from OPA's own coverage reports, summed over many evaluations.

OPA reports, per evaluation, the source ranges it evaluated (``covered``) and those it reached
but did not satisfy or never entered (``not_covered``), with columns. Summed over a pack's
tests, an expression counts as covered when any evaluation covered exactly that range; a line
is *not covered* while any range on it stays uncovered, and *covered* when it has covered
ranges only. Like ``opa test --coverage``, test modules themselves are not counted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

Range = tuple[int, int, int, int]  # start row, start col, end row, end col


def _ranges(items: list[dict[str, Any]] | None) -> set[Range]:
    return {(r["start"]["row"], r["start"].get("col", 0), r["end"]["row"], r["end"].get("col", 0))
            for r in items or []}


def _rows(ranges: set[Range]) -> set[int]:
    return {row for start, _, end, _ in ranges for row in range(start, end + 1)}


@dataclass
class FileCoverage:
    covered: int
    not_covered: int
    missed_lines: list[int]

    @property
    def percent(self) -> float:
        total = self.covered + self.not_covered
        return 100.0 * self.covered / total if total else 0.0  # nothing recorded is not covered


@dataclass
class CoverageAccumulator:
    """Collects OPA coverage reports; ``files`` restricts the count to the pack's own modules."""

    files: set[str] = field(default_factory=set)
    _covered: dict[str, set[Range]] = field(default_factory=lambda: defaultdict(set))
    _missed: dict[str, set[Range]] = field(default_factory=lambda: defaultdict(set))

    def add(self, report: dict[str, Any] | None) -> None:
        for name, file in ((report or {}).get("files") or {}).items():
            if name in self.files:
                self._covered[name] |= _ranges(file.get("covered"))
                self._missed[name] |= _ranges(file.get("not_covered"))

    def by_file(self) -> dict[str, FileCoverage]:
        out = {}
        for name in sorted(self.files):
            covered = self._covered.get(name, set())
            missed_rows = _rows(self._missed.get(name, set()) - covered)
            covered_rows = _rows(covered) - missed_rows
            out[name] = FileCoverage(len(covered_rows), len(missed_rows), sorted(missed_rows))
        return out


def total(files: dict[str, FileCoverage]) -> FileCoverage:
    covered = sum(f.covered for f in files.values())
    missed = sum(f.not_covered for f in files.values())
    return FileCoverage(covered, missed, [])
