"""Load rule packs from directories; refuse anything unreadable, ambiguous or out of bounds.

A pack's digest is sha256 over the RFC 8785 JSON of its listing (every regular file's
relative path and sha256, sorted), so it names exactly the policy text that ran.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import rfc8785

from ..document.schema import validate
from ..errors import EvaluationError, InputError
from ..safeio import parse_yaml, read_bounded
from . import rego_metadata
from .model import Pack, RegoModule
from .path_check import check_pack_paths
from .yaml_rules import compile_rules

MANIFEST = "pack.yaml"
MAX_PACK_FILES = 2000


def _walk(root: Path) -> list[Path]:
    base = root.resolve()
    found = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d != "__pycache__")
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            if not path.resolve().is_relative_to(base):
                raise EvaluationError(str(path), "symlink resolves outside the pack")
            found.append(path)
            if len(found) > MAX_PACK_FILES:
                raise EvaluationError(str(root), f"more than {MAX_PACK_FILES} files in one pack")
    return found


def load_pack(root: Path) -> Pack:
    root = Path(root)
    if not (root / MANIFEST).is_file():
        raise EvaluationError(str(root), f"not a rule pack: no {MANIFEST}")
    files = _walk(root)
    listing = []
    raw_by_rel = {}
    for path in files:
        rel = path.relative_to(root).as_posix()
        try:
            raw = read_bounded(path, f"{root.name}/{rel}")
        except InputError as exc:
            raise EvaluationError(exc.file or rel, exc.message) from None
        raw_by_rel[rel] = raw
        listing.append({"path": rel, "sha256": raw.sha256})
    manifest_raw = raw_by_rel[MANIFEST]
    manifest = _yaml(manifest_raw.text(), manifest_raw.display)
    _validate(manifest, "pack-manifest", manifest_raw.display)
    libraries = _libraries(root, manifest, manifest_raw.display)
    listing += [{"path": rel, "sha256": raw.sha256} for rel, raw in libraries]
    digest = hashlib.sha256(rfc8785.dumps(listing)).hexdigest()

    pack = Pack(name=manifest["name"], version=str(manifest["version"]), description=manifest["description"],
                regimes=tuple(manifest["regimes"]), root=root, digest=digest, files=listing,
                params=manifest.get("params") or {})
    for rel, raw in raw_by_rel.items():
        if rel == MANIFEST:
            continue
        shown = f"{pack.name}/{rel}"  # errors name the pack as its manifest does, not its folder
        if rel.endswith(".rego"):
            text = raw.text()
            package, _ = rego_metadata.package_of(text, shown)
            module = RegoModule(shown, text, package)
            if rel.endswith("_test.rego"):
                pack.rego_tests.append(module)
                continue
            pack.rego_modules.append(module)
            meta = rego_metadata.rule_meta(text, shown, pack.name)
            if meta is not None:
                if package in pack.rego_rules:
                    raise EvaluationError(shown, f"package {package} is defined twice in pack {pack.name}")
                pack.rego_rules[package] = meta
        elif rel.endswith((".yaml", ".yml")):
            data = _yaml(raw.text(), shown)
            kind = data.get("kind") if isinstance(data, dict) else None
            if kind == "Rules":
                pack.yaml_rules.extend(compile_rules(data, raw.text(), shown, pack.name))
            elif kind == "PolicyTests":
                _validate(data, "policy-tests", shown)
                pack.test_files.append(root / rel)
            else:
                raise EvaluationError(shown, "YAML file is neither kind: Rules nor kind: PolicyTests")
    for rel, raw in libraries:
        shown = posixpath.normpath(f"{pack.name}/{rel}")  # ../approvals/lib.rego -> approvals/lib.rego
        text = raw.text()
        package, _ = rego_metadata.package_of(text, shown)
        if rego_metadata.rule_meta(text, shown, pack.name) is not None:
            raise EvaluationError(shown, f"a library of pack {pack.name} must not define a rule")
        pack.rego_modules.append(RegoModule(shown, text, package))
    if not pack.rules:
        raise EvaluationError(str(root), f"pack {pack.name} defines no rules")
    check_pack_paths(pack)  # a rule reading a misspelt field would pass silently
    return pack


def _libraries(root: Path, manifest: dict, display: str) -> list[tuple[str, Any]]:
    """The sibling packs' library modules a pack declares it uses (one definition, shared).

    Read from the sibling pack's directory at load time, so the pack's digest names their text."""
    out = []
    packs_dir = root.resolve().parent
    for rel in manifest.get("libraries") or []:
        path = root / rel
        if rel.endswith("_test.rego") or not path.resolve().is_relative_to(packs_dir):
            raise EvaluationError(display, f"libraries: {rel} is not a library module of a sibling pack")
        if not (path.parent / MANIFEST).is_file():
            raise EvaluationError(display, f"libraries: {rel} is not in a rule pack (no {MANIFEST} beside it)")
        try:
            out.append((rel, read_bounded(path, f"{root.name}/{rel}")))
        except InputError as exc:
            raise EvaluationError(exc.file or rel, exc.message) from None
    return out


def load_packs(roots: Sequence[Path]) -> list[Pack]:
    """Packs in the order given; rule ids and Rego rule packages must be unique across them."""
    packs = [load_pack(Path(r)) for r in roots]
    seen_ids: dict[str, str] = {}
    seen_packages: dict[str, tuple[str, str]] = {}
    names: set[str] = set()
    for pack in packs:
        if pack.name in names:
            raise EvaluationError(str(pack.root), f"two packs are named {pack.name}")
        names.add(pack.name)
        for rule in pack.rules:
            if rule.id in seen_ids:
                raise EvaluationError(rule.where, f"rule id {rule.id} is also defined at {seen_ids[rule.id]}")
            seen_ids[rule.id] = rule.where
        for module in pack.rego_modules:
            owner, path, text = seen_packages.setdefault(module.package, (pack.name, module.path, module.text))
            if owner != pack.name and text != module.text:
                # Rego would silently merge the two packs' rules; a shared library is loaded once
                raise EvaluationError(module.path, f"package {module.package} is also defined in {path}")
    return packs


def _yaml(text: str, display: str) -> object:
    try:
        return parse_yaml(text, display)
    except InputError as exc:
        raise EvaluationError(display, exc.message) from None


def _validate(data: object, schema: str, display: str) -> None:
    try:
        validate(data, schema, display)
    except InputError as exc:
        raise EvaluationError(display, f"{exc.pointer}: {exc.message}") from None
