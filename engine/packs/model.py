"""What a pack is once loaded: its manifest, its files, its digest and its rules' metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SEVERITIES = ("critical", "high", "medium", "low", "info")


def severity_rank(severity: str) -> int:
    """critical = 4 ... info = 0, so that ``>= rank(fail_on)`` selects what fails a gate."""
    return len(SEVERITIES) - 1 - SEVERITIES.index(severity)


@dataclass(frozen=True)
class RuleMeta:
    """The metadata every rule carries, whatever language it is written in."""

    id: str
    title: str
    severity: str
    controls: tuple[str, ...]
    pack: str
    file: str  # display path: "<pack>/<relative file>"
    line: int
    description: str = ""
    remediation: str = ""

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class RegoModule:
    path: str  # display path, used by engines in their error messages
    text: str
    package: str


@dataclass
class Pack:
    name: str
    version: str
    description: str
    regimes: tuple[str, ...]
    root: Path
    digest: str
    files: list[dict[str, str]]
    params: dict[str, Any] = field(default_factory=dict)
    rego_modules: list[RegoModule] = field(default_factory=list)
    rego_tests: list[RegoModule] = field(default_factory=list)
    rego_rules: dict[str, RuleMeta] = field(default_factory=dict)  # package path -> rule
    yaml_rules: list[Any] = field(default_factory=list)  # yaml_rules.YamlRule
    test_files: list[Path] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {"name": self.name, "version": self.version, "digest": f"sha256:{self.digest}",
                "regimes": list(self.regimes), "rules": sorted(r.id for r in self.rules)}

    @property
    def rules(self) -> list[RuleMeta]:
        return [*self.rego_rules.values(), *(r.meta for r in self.yaml_rules)]
