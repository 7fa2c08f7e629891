"""Sources -> canonical document: read every input, merge facts, add lineage, validate.

Input order is merge priority: for each field the first source that states it wins and
every later different value is reported in ``conflicts``. A bundle's own manifest comes
first within the bundle.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from . import lineage
from .document import DOCUMENT_SCHEMA_ID, DocumentBuilder, identity, licenses, placeholders, validate_document
from .document.facts import FactList, SourceRef
from .errors import InputError
from .sources.bundle import is_manifest, read_bundle
from .sources.loader import load
from .sources.registry import detect
from .sources.signed_inputs import TrustedKey, trusted_inputs


def collect(inputs: Sequence[str | Path]) -> list[tuple[SourceRef, FactList]]:
    """Read every input into (source, facts) pairs, in priority order.

    Sources are recorded by name, never by local path: a bundle as its directory's name
    (``credit-risk-pd/model/model.ubj``), a file as its file name. The same release read
    from two places gives the same document and digest; errors still name the path given.
    """
    pairs: list[tuple[SourceRef, FactList]] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            with _shown_as(_label(path), str(item)):
                pairs.extend(read_bundle(path, _label(path)))
            continue
        with _shown_as(path.name, str(item)):
            loaded = load(path, path.name)
        if is_manifest(loaded):
            with _shown_as(_label(path.parent), str(path.parent)):
                pairs.extend(read_bundle(path.parent, _label(path.parent)))
        elif _is_document(loaded.data):
            raise InputError(str(item), "already a canonical document; it cannot be merged with other inputs")
        else:
            with _shown_as(path.name, str(item)):
                source = detect(loaded)
                pairs.append((SourceRef(loaded.display, source.format, loaded.raw.sha256), source.read(loaded)))
    return pairs


def _label(directory: Path) -> str:
    return directory.resolve().name or "bundle"


@contextmanager
def _shown_as(label: str, given: str) -> Iterator[None]:
    """Errors name the file as the user gave it, not by the label recorded in the document."""
    try:
        yield
    except InputError as exc:
        if exc.file and (exc.file == label or exc.file.startswith(label + "/")) and label != given:
            raise type(exc)(given.rstrip("/") + exc.file[len(label):], exc.message, exc.pointer) from None
        raise


def normalize(inputs: Sequence[str | Path], input_keys: Sequence[TrustedKey] | None = None) -> dict[str, Any]:
    """The validated canonical document for one release described by ``inputs``.

    ``input_keys``: keys trusted to sign input envelopes (in-toto/SLSA in DSSE or Sigstore
    bundles); facts from envelopes they verify are marked verified in the provenance. Without
    it, the keys set by :func:`mlgov.sources.signed_inputs.trusted_inputs` apply (if any).
    """
    if input_keys is not None:
        with trusted_inputs(input_keys):
            return normalize(inputs)
    if not inputs:
        raise InputError(None, "no input given (a bundle directory or metadata files)")
    if len(inputs) == 1 and Path(inputs[0]).is_file():
        loaded = load(Path(inputs[0]), str(inputs[0]))
        if _is_document(loaded.data):
            validate_document(loaded.data, loaded.display)
            if not isinstance(loaded.data.get("document_id"), str) or not loaded.data["document_id"]:
                raise InputError(loaded.display, "a canonical document needs a document_id", "/document_id")
            return loaded.data
    return build_document(collect(inputs))


def build_document(collected: list[tuple[SourceRef, FactList]]) -> dict[str, Any]:
    """The validated canonical document from (source, facts) pairs in priority order."""
    pairs, primary = identity.settle(collected)
    builder = DocumentBuilder()
    for source, facts in pairs:
        builder.apply(source, facts)
    body, provenance, conflicts = builder.build()
    document: dict[str, Any] = {"schema": DOCUMENT_SCHEMA_ID, "document_id": "", "subjects": [], **body}
    document["lineage"] = {"edges": body.get("lineage", {}).get("edges", [])}
    licenses.annotate(document, provenance)
    placeholders.annotate(document)
    lineage.annotate(document, provenance, primary)
    document["sources"] = [{"path": s.path, "format": s.format, "sha256": s.sha256} for s in builder.sources]
    document["provenance"] = provenance
    document["conflicts"] = conflicts
    document["document_id"] = _document_id(document)
    _validate_with_origin(document, provenance)
    return document


def _is_document(data: Any) -> bool:
    return isinstance(data, dict) and data.get("schema") == DOCUMENT_SCHEMA_ID


def _document_id(document: dict[str, Any]) -> str:
    model = document.get("model", {})
    if model.get("name"):
        return f"{model['name']}@{model.get('version', 'unversioned')}"
    listing = json.dumps(sorted(s["sha256"] for s in document["sources"])).encode()
    return "sha256:" + hashlib.sha256(listing).hexdigest()


def _validate_with_origin(document: dict[str, Any], provenance: dict[str, list[dict]]) -> None:
    """Schema errors in a produced document are blamed on the input that stated the value."""
    try:
        validate_document(document, "<normalized document>")
    except InputError as exc:
        pointer = exc.pointer or ""
        while pointer and pointer not in provenance:
            pointer = pointer.rsplit("/", 1)[0]
        origin = provenance.get(pointer)
        if not origin:
            raise
        first = origin[0]
        raise InputError(first["source"], f"{exc.message} (document field {exc.pointer})", first["at"]) from None
