"""JSON Schema validation of every document we produce or accept."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import jsonschema
from jsonschema.exceptions import best_match

from ..errors import InputError
from ..resources import schema_path
from ..safeio import escape_pointer

DOCUMENT_SCHEMA_ID = "https://mlgov.dev/schemas/artifact-document/v1"


@cache
def validator(name: str) -> jsonschema.protocols.Validator:
    schema = json.loads(schema_path(name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate(instance: Any, name: str, file: str) -> None:
    """Raise an InputError naming the file and the JSON pointer of the most relevant error."""
    errors = list(validator(name).iter_errors(instance))
    if not errors:
        return
    err = best_match(errors)
    pointer = "/" + "/".join(escape_pointer(str(p)) for p in err.absolute_path)
    more = f" (and {len(errors) - 1} more schema errors)" if len(errors) > 1 else ""
    raise InputError(file, f"{_short(err.message)}{more}", pointer)


def validate_document(document: Any, file: str = "<document>") -> None:
    validate(document, "artifact-document", file)


def _short(message: str, limit: int = 200) -> str:
    message = " ".join(message.split())
    return message if len(message) <= limit else message[: limit - 1] + "…"
