"""The canonical artifact document: facts with provenance, merged from many sources."""

from .builder import DocumentBuilder
from .facts import Fact, SourceRef
from .schema import DOCUMENT_SCHEMA_ID, validate_document

__all__ = ["DOCUMENT_SCHEMA_ID", "DocumentBuilder", "Fact", "SourceRef", "validate_document"]
