"""Property tests: whatever a reader is given, it either reads it or raises an MlgovError that
names the file. Never another exception (that would be an ``internal error`` line).

Seeds are the real files under fixtures/; each example replaces, deletes or retypes a few
values anywhere in a seed (and, for DSSE envelopes, inside the signed payload), writes it in
the seed's own syntax and normalizes it; canonical documents are also evaluated.

Profiles: ``quick`` (default, a few seconds, part of every test run) and ``long``:
``MLGOV_FUZZ_PROFILE=long .venv/bin/python -m pytest -q tests/test_fuzz_readers.py``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlgov.errors import MlgovError
from mlgov.normalize import normalize

from conftest import BUNDLES, FORMATS

settings.register_profile("quick", max_examples=25, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
settings.register_profile("long", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
PROFILE = os.environ.get("MLGOV_FUZZ_PROFILE", "quick")

SEEDS = sorted(p for p in [*FORMATS.glob("*.json"), *FORMATS.glob("*.md"), *BUNDLES.glob("*/metadata/*.json*"),
                            *BUNDLES.glob("*/docs/model-card.md"), *BUNDLES.glob("*/README.md")]
               if p.suffix != ".md" or p.read_text().startswith("---\n"))

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
    st.sampled_from(["", "sha256:", "x" * 64, "2024-13-45T99:00:00Z", "MIT OR", "@graph", "_", "../x",
                     "https://in-toto.io/Statement/v1", "START", "COMPLETE", "no", "null"]),
)
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.text(max_size=8), inner, max_size=3)),
                      max_leaves=6)


def _paths(node: Any, here: tuple = ()) -> list[tuple]:
    out = [here]
    if isinstance(node, dict):
        for k, v in node.items():
            out.extend(_paths(v, (*here, k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(_paths(v, (*here, i)))
    return out


def _mutate(data: Any, draw, count: int) -> Any:
    for _ in range(count):
        paths = _paths(data)
        path = draw(st.sampled_from(paths))
        new = draw(values)
        if not path:
            data = new
            continue
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = new
    return data


def _split(path: Path) -> tuple[str, Any, str]:
    """(syntax, data, body) of a seed file."""
    text = path.read_text()
    if path.suffix == ".md":
        _, front, body = text.split("---\n", 2)
        return "markdown", yaml.safe_load(front) or {}, body
    if path.suffix == ".jsonl":
        return "jsonl", [json.loads(line) for line in text.splitlines() if line.strip()], ""
    return "json", json.loads(text), ""


def _write(path: Path, syntax: str, data: Any, body: str) -> None:
    if syntax == "markdown":
        front = yaml.safe_dump(data, sort_keys=False, allow_unicode=True) if data is not None else ""
        path.write_text(f"---\n{front}---\n{body}")
    elif syntax == "jsonl" and isinstance(data, list):
        path.write_text("\n".join(json.dumps(e) for e in data) + "\n")
    else:
        path.write_text(json.dumps(data))


def _reads_or_names_the_file(target: Path, shown: str) -> dict | None:
    try:
        return normalize([target])
    except MlgovError as exc:
        assert exc.one_line(), "an error must say something"
        assert shown in str(exc) or "<normalized document>" not in str(exc), str(exc)
        return None


@settings.get_profile(PROFILE)
@given(data=st.data())
@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_mutated_source_files_read_or_fail_closed(seed, tmp_path_factory, data):
    syntax, parsed, body = _split(seed)
    if isinstance(parsed, dict) and "payload" in parsed and data.draw(st.booleans()):
        statement = json.loads(base64.b64decode(parsed["payload"]))
        statement = _mutate(statement, data.draw, data.draw(st.integers(1, 4)))
        parsed["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
    else:
        parsed = _mutate(parsed, data.draw, data.draw(st.integers(1, 4)))
    target = tmp_path_factory.mktemp("fuzz") / seed.name
    _write(target, syntax, parsed, body)
    _reads_or_names_the_file(target, str(target))


@pytest.fixture(scope="module")
def bundle_dirs(tmp_path_factory) -> dict[str, Path]:
    out = {}
    for bundle in sorted(BUNDLES.iterdir()):
        root = tmp_path_factory.mktemp("bundle") / bundle.name
        shutil.copytree(bundle, root)
        out[bundle.name] = root
    return out


@settings.get_profile(PROFILE)
@given(data=st.data())
@pytest.mark.parametrize("name", sorted(p.name for p in BUNDLES.iterdir()))
def test_wrong_types_in_mlgov_yaml_fail_closed(name, bundle_dirs, data):
    """Any field of the manifest replaced by any type (or deleted): read, or a named error."""
    root = bundle_dirs[name]
    manifest = yaml.safe_load((BUNDLES / name / "mlgov.yaml").read_text())
    manifest = _mutate(manifest, data.draw, data.draw(st.integers(1, 3)))
    (root / "mlgov.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    _reads_or_names_the_file(root, "mlgov.yaml")


def _every_field_wrong_type_cases() -> list[tuple[str, tuple, Any]]:
    cases = []
    for bundle in sorted(BUNDLES.iterdir()):
        manifest = yaml.safe_load((bundle / "mlgov.yaml").read_text())
        for path in _paths(manifest)[1:]:
            for wrong in (None, 7, "x", [], {"k": "v"}, True):
                cases.append((bundle.name, path, wrong))
    return cases


@pytest.mark.skipif(PROFILE != "long", reason="every field x every type: long profile only")
@pytest.mark.parametrize("name,path,wrong", _every_field_wrong_type_cases() if PROFILE == "long" else [])
def test_every_field_of_mlgov_yaml_with_every_wrong_type(name, path, wrong, bundle_dirs):
    root = bundle_dirs[name]
    manifest = yaml.safe_load((BUNDLES / name / "mlgov.yaml").read_text())
    parent = manifest
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = wrong
    (root / "mlgov.yaml").write_text(yaml.safe_dump(manifest, sort_keys=False))
    _reads_or_names_the_file(root, "mlgov.yaml")


@pytest.fixture(scope="module")
def evaluator():
    from mlgov.evaluation.evaluate import Evaluator
    from mlgov.packs.loader import load_packs
    from mlgov.resources import builtin_packs

    return Evaluator(load_packs(builtin_packs()))


@pytest.fixture(scope="module")
def document() -> dict:
    return normalize([BUNDLES / "credit-risk-pd"])


@settings.get_profile(PROFILE)
@given(data=st.data())
def test_mutated_documents_evaluate_or_fail_closed(evaluator, document, tmp_path_factory, data):
    """A canonical document given as input: validated and evaluated, or refused by name."""
    from mlgov import timeutil

    doc = _mutate(json.loads(json.dumps(document)), data.draw, data.draw(st.integers(1, 3)))
    target = tmp_path_factory.mktemp("doc") / "document.json"
    target.write_text(json.dumps(doc))
    read = _reads_or_names_the_file(target, str(target))
    if read is not None:
        with contextlib.suppress(MlgovError):
            evaluator.run(read, timeutil.normalize("2026-11-24T00:00:00Z", "as_of", None))
