"""JSON Schema validation of every document we produce or accept."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7, DRAFT202012

from ..errors import InputError
from ..resources import data_dir, schema_path
from ..safeio import escape_pointer

DOCUMENT_SCHEMA_ID = "https://mlgov.dev/schemas/artifact-document/v1"
_CYCLONEDX_BASE = "http://cyclonedx.org/schema/"


@cache
def _registry() -> Registry:
    """Our schemas by $id, and published ones that $ref each other by file name (CycloneDX)."""
    resources = []
    for path in sorted(data_dir("schemas").glob("*.schema.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents, default_specification=DRAFT202012)))
    for path in sorted((data_dir("schemas") / "cyclonedx").glob("*.schema.json")):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(contents, default_specification=DRAFT7)
        resources.append((f"{_CYCLONEDX_BASE}{path.name}", resource))
        if "$id" in contents:
            resources.append((contents["$id"], resource))
    return Registry().with_resources(resources)


@cache
def validator(name: str) -> jsonschema.protocols.Validator:
    """A compiled validator for ``schemas/<name>.schema.json`` (cached per process)."""
    schema = json.loads(schema_path(name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)  # shipped schemas are checked by tests/test_schemas.py
    if name.startswith("cyclonedx/"):
        # resolve sibling $refs ("spdx.SNAPSHOT.schema.json") against the file's own name
        schema = {**schema, "$id": f"{_CYCLONEDX_BASE}{schema_path(name).name}"}
    return cls(schema, registry=_registry())


def validate(instance: Any, name: str, file: str) -> None:
    """Raise an InputError naming the file and the JSON pointer of the most relevant error."""
    errors = list(validator(name).iter_errors(instance))
    if not errors:
        return
    err = best_match(errors)
    pointer = "/" + "/".join(escape_pointer(str(p)) for p in err.absolute_path)
    more = f" (and {len(errors) - 1} more schema errors)" if len(errors) > 1 else ""
    raise InputError(file, f"{_short(err.message)}{more}", pointer)


@cache
def fast_check(name: str) -> Any:
    """A self-contained schema compiled to Python by fastjsonschema: ~20x faster than jsonschema,
    which matters on hot paths (inventories of 100,000 documents, every finding of every rule).
    It only decides valid or not; jsonschema still explains a failure (tests check they agree)."""
    import fastjsonschema

    schema = json.loads(schema_path(name).read_text(encoding="utf-8"))
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"  # same keywords; fastjsonschema's dialect
    return fastjsonschema.compile(_inline_refs(schema, schema.get("$defs", {})))


def _inline_refs(node: Any, defs: dict[str, Any], depth: int = 0) -> Any:
    """The schema with its local ``#/$defs/`` references copied in place. fastjsonschema compiles a
    reference to a function call whose path argument is built with ``str.format(**locals())`` over
    hundreds of locals: about 0.2 ms per valid document, most of bulk validation. Our schemas'
    definitions are not recursive (the depth bound fails loudly if one ever is)."""
    if depth > 20:
        raise ValueError("recursive $defs: cannot inline")
    if isinstance(node, dict):
        ref = node.get("$ref", "")
        if isinstance(ref, str) and ref.startswith("#/$defs/") and len(node) == 1:
            return _inline_refs(defs[ref.removeprefix("#/$defs/")], defs, depth + 1)
        return {k: _inline_refs(v, defs, depth) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(v, defs, depth) for v in node]
    return node


def validate_fast(instance: Any, name: str, file: str) -> None:
    """Like :func:`validate`, fast when the instance is valid."""
    import fastjsonschema

    try:
        fast_check(name)(instance)
        return
    except fastjsonschema.JsonSchemaException:
        pass
    validate(instance, name, file)
    raise InputError(file, f"rejected by the {name} schema (the fast validator found a problem jsonschema did "
                           "not: please report this)")


def validate_document(document: Any, file: str = "<document>", bulk: bool = False) -> None:
    """Validate a canonical document. ``bulk``: many documents in this process (an inventory), so
    compiling the fast validator (~0.17 s, once) pays off; a single CLI run uses jsonschema."""
    if bulk:
        validate_fast(document, "artifact-document", file)
    else:
        validate(document, "artifact-document", file)


def _short(message: str, limit: int = 200) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"
