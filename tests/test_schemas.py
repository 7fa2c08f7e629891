"""Every schema we ship is itself valid against its metaschema (checked here, not at run time)."""

from __future__ import annotations

import json

import jsonschema
import pytest

from mlgov.resources import data_dir

SCHEMAS = sorted(p for p in data_dir("schemas").rglob("*.json") if "published" not in p.parts) + sorted(
    p for p in (data_dir("schemas") / "published").glob("*.json"))


@pytest.mark.parametrize("path", SCHEMAS, ids=lambda p: p.name)
def test_schema_is_valid(path):
    schema = json.loads(path.read_text())
    cls = jsonschema.validators.validator_for(schema)
    if "oscal" in path.name:  # NIST's \p{L} patterns are not Python regexes; test_reports uses `regex`
        cls(cls.META_SCHEMA).validate(schema)
    else:
        cls.check_schema(schema)


def test_every_schema_is_checked():
    assert len(SCHEMAS) >= 25
