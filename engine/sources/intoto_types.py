"""What mlgov makes of an in-toto predicateType: read, known but not read, unknown, or a
look-alike of SLSA provenance.

A TypeURI is compared as the exact, case-sensitive string (in-toto spec v1, field_types.md
"TypeURI"; the URI carries the major version and 0.x versions are majors of their own, so
``https://slsa.dev/provenance/v1.0`` is not ``.../v1``). mlgov never guesses a predicate's
meaning from a near-miss type: a look-alike is reported, not read.

``KNOWN`` lists types of the in-toto attestation predicate registry (in-toto/attestation
``spec/predicates/``) and other widely produced ones, so that a reviewer is told what the
unread statement is (an SBOM, a vulnerability scan, ...), not just that it is foreign.
"""

from __future__ import annotations

import re
from typing import Any

READ = ("https://slsa.dev/provenance/v1", "https://slsa.dev/provenance/v0.2")

KNOWN: dict[str, str] = {
    "https://slsa.dev/provenance/v0.1": "SLSA provenance v0.1 (superseded; mlgov reads v1 and v0.2)",
    "https://slsa.dev/verification_summary/v1": "SLSA verification summary (VSA) v1",
    "https://slsa.dev/verification_summary/v0.2": "SLSA verification summary (VSA) v0.2",
    "https://slsa.dev/verification_summary/v0.1": "SLSA verification summary (VSA) v0.1",
    "https://in-toto.io/attestation/link/v0.3": "in-toto link",
    "https://in-toto.io/attestation/reference/v0.1": "in-toto reference",
    "https://in-toto.io/attestation/release/v0.1": "in-toto release",
    "https://in-toto.io/attestation/runtime-trace/v0.1": "in-toto runtime trace",
    "https://in-toto.io/attestation/scai/v0.2": "SCAI attribute report",
    "https://in-toto.io/attestation/scai/v0.3": "SCAI attribute report",
    "https://in-toto.io/attestation/svr/v0.1": "simple verification result",
    "https://in-toto.io/attestation/svr/v0.2": "simple verification result",
    "https://in-toto.io/attestation/test-result/v0.1": "test result",
    "https://in-toto.io/attestation/vulns/v0.1": "vulnerability scan",
    "https://in-toto.io/attestation/vulns/v0.2": "vulnerability scan",
    "https://spdx.dev/Document": "SPDX SBOM",
    "https://spdx.dev/Document/v2.2": "SPDX 2.2 SBOM",
    "https://spdx.dev/Document/v2.3": "SPDX 2.3 SBOM",
    "https://spdx.dev/Document/v3": "SPDX 3 SBOM",
    "https://cyclonedx.org/bom": "CycloneDX BOM",
    "https://cosign.sigstore.dev/attestation/v1": "cosign custom predicate",
    "https://cosign.sigstore.dev/attestation/vuln/v1": "cosign vulnerability scan",
    "https://github.com/npm/attestation/tree/main/specs/publish/v0.1": "npm publish attestation",
    "https://openvex.dev/ns": "OpenVEX statement",
}
_CYCLONEDX_VERSIONED = re.compile(r"https://cyclonedx\.org/bom/v1\.[0-9]+")
_OPENVEX_VERSIONED = re.compile(r"https://openvex\.dev/ns/v[0-9.]+")


def classify(ptype: str, predicate: Any) -> tuple[str, str | None]:
    """(``read`` | ``unsupported`` | ``slsa-lookalike`` | ``unknown``, what it is known as)."""
    if ptype in READ:
        return "read", None
    if ptype in KNOWN:
        return "unsupported", KNOWN[ptype]
    if _CYCLONEDX_VERSIONED.fullmatch(ptype):
        return "unsupported", "CycloneDX BOM"
    if _OPENVEX_VERSIONED.fullmatch(ptype):
        return "unsupported", "OpenVEX statement"
    if "slsa.dev/provenance" in ptype.lower() or _looks_like_provenance(predicate):
        return "slsa-lookalike", None
    return "unknown", None


def _looks_like_provenance(predicate: Any) -> bool:
    """SLSA v1 (buildDefinition + runDetails) or v0.x (builder + buildType/materials) shape."""
    if not isinstance(predicate, dict):
        return False
    if "buildDefinition" in predicate and "runDetails" in predicate:
        return True
    return "builder" in predicate and ("buildType" in predicate or "materials" in predicate)
