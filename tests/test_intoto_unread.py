"""in-toto Statements mlgov does not read are recorded and reported, never passed over.

Types are the in-toto predicate registry's (in-toto/attestation spec/predicates/ @ 051624c)
and real look-alikes: ``/v1.0`` is what slsa-github-generator's docker builder test data
writes (tests/corpus/slsa/slsa1-provenance.json), ``/v1?draft`` and ``/v1-rc1`` are the SLSA
spec's own draft type URIs (slsa-framework/slsa docs/provenance/v1/provenance.cue and
docs/provenance/schema/v1-rc1/provenance.cue), ``https://crev.dev/in-toto-scheme/v-1`` is
GUAC's crev review example (guacsec/guac internal/testing/testdata/exampledata/crev-review.json).
Real files: tests/corpus/slsa/slsa1-provenance.json and tests/data/formats/buildkit-sbom.intoto.json
(sources in their SOURCES.md).
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from mlgov.errors import InputError
from mlgov.evaluation import evaluate
from mlgov.normalize import normalize
from mlgov.packs import load_packs
from mlgov.resources import builtin_packs
from mlgov.timeutil import normalize as stamp

CORPUS = Path(__file__).parent / "corpus"
SLSA_V1 = {"buildDefinition": {"buildType": "https://example.com/ci@v1"},
           "runDetails": {"builder": {"id": "https://example.com/ci"}, "metadata": {"invocationId": "run-7"}}}
SUBJECT = [{"name": "model.onnx", "digest": {"sha256": "a" * 64}}]


def _statement(ptype: str, predicate: dict | None = None) -> dict:
    return {"_type": "https://in-toto.io/Statement/v1", "subject": SUBJECT, "predicateType": ptype,
            "predicate": SLSA_V1 if predicate is None else predicate}


def _envelope(statement: dict) -> dict:
    return {"payloadType": "application/vnd.in-toto+json", "signatures": [],
            "payload": base64.b64encode(json.dumps(statement).encode()).decode()}


def _write(tmp_path: Path, name: str, value: dict) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(value))
    return path


@pytest.fixture(scope="module")
def packs():
    return load_packs(builtin_packs())


def _provenance_findings(doc: dict, packs) -> list[dict]:
    result = evaluate(doc, packs, stamp("2026-11-24", "as-of", None), validated=True, cross_check="opa")
    return [f for f in result["findings"] if f["rule"] in ("PRV-006", "PRV-007")]


@pytest.mark.parametrize(("ptype", "why", "known_as"), [
    ("https://slsa.dev/provenance/v1.0", "slsa-lookalike", None),
    ("http://slsa.dev/provenance/v1", "slsa-lookalike", None),
    ("https://slsa.dev/provenance/v1?draft", "slsa-lookalike", None),
    ("https://slsa.dev/provenance/v1-rc1", "slsa-lookalike", None),
    ("https://SLSA.dev/provenance/v1", "slsa-lookalike", None),
    ("https://slsa.dev/provenance/v1/", "slsa-lookalike", None),
    ("https://slsa.dev/provenance/v0.1", "unsupported", "SLSA provenance v0.1 (superseded; mlgov reads v1 and v0.2)"),
    ("https://spdx.dev/Document/v2.3", "unsupported", "SPDX 2.3 SBOM"),
    ("https://cyclonedx.org/bom/v1.5", "unsupported", "CycloneDX BOM"),
    ("https://in-toto.io/attestation/test-result/v0.1", "unsupported", "test result"),
    ("https://in-toto.io/attestation/vulns/v0.2", "unsupported", "vulnerability scan"),
    ("https://slsa.dev/verification_summary/v1", "unsupported", "SLSA verification summary (VSA) v1"),
    ("https://crev.dev/in-toto-scheme/v-1", "unknown", None),
])
def test_a_statement_not_read_keeps_its_subjects_and_is_recorded(tmp_path, ptype, why, known_as):
    predicate = SLSA_V1 if why == "slsa-lookalike" else {"result": "PASSED"}
    doc = normalize([_write(tmp_path, "att.intoto.json", _statement(ptype, predicate))])
    assert [s["digest"] for s in doc["subjects"]] == [{"sha256": "a" * 64}]
    assert "training_runs" not in doc  # no claim of the predicate is used, even one shaped like SLSA
    [entry] = doc["unread_statements"]
    assert (entry["predicate_type"], entry["why"], entry.get("known_as")) == (ptype, why, known_as)
    assert entry["subjects"] == [doc["subjects"][0]["id"]]
    where = doc["provenance"]["/unread_statements/0/predicate_type"][0]
    assert (where["source"], where["at"]) == ("att.intoto.json", "/predicateType")


def test_the_exact_slsa_types_are_read_and_not_reported(tmp_path):
    doc = normalize([_write(tmp_path, "att.intoto.json", _statement("https://slsa.dev/provenance/v1"))])
    assert doc["training_runs"][0]["builder"] == "https://example.com/ci"
    assert "unread_statements" not in doc


def test_a_custom_type_with_slsa_shape_is_a_lookalike(tmp_path):
    doc = normalize([_write(tmp_path, "att.intoto.json", _statement("https://example.com/provenance/v1"))])
    assert doc["unread_statements"][0]["why"] == "slsa-lookalike"
    legacy = {"builder": {"id": "x"}, "buildType": "y", "materials": []}
    doc = normalize([_write(tmp_path, "old.intoto.json", _statement("https://example.com/prov", legacy))])
    assert doc["unread_statements"][0]["why"] == "slsa-lookalike"


def test_an_empty_predicate_type_is_refused(tmp_path):
    with pytest.raises(InputError, match="predicateType"):
        normalize([_write(tmp_path, "att.intoto.json", _statement(""))])


def test_real_slsa_v1_0_typo_is_a_high_finding_naming_file_and_type(packs):
    """slsa-github-generator's test data writes predicateType .../v1.0: not read, reported high."""
    doc = normalize([CORPUS / "slsa/slsa1-provenance.json"])
    assert "training_runs" not in doc
    [finding] = _provenance_findings(doc, packs)
    assert (finding["rule"], finding["severity"]) == ("PRV-007", "high")
    assert "slsa1-provenance.json" in finding["message"]
    assert "https://slsa.dev/provenance/v1.0" in finding["message"]


def test_unread_statement_in_a_bundle_is_reported_with_its_line(tmp_path, packs):
    lines = [_envelope(_statement("https://slsa.dev/provenance/v1")),
             _envelope(_statement("https://in-toto.io/attestation/vulns/v0.2", {"scanner": {"uri": "pkg:x/trivy"}}))]
    path = tmp_path / "release.intoto.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    doc = normalize([path])
    assert doc["training_runs"][0]["extra"]["invocation_id"] == "run-7"  # the SLSA line is still read
    [entry] = doc["unread_statements"]
    where = doc["provenance"]["/unread_statements/0/predicate_type"][0]
    assert where["at"] == "line 2 payload:/predicateType"
    assert where["signature"]["status"] != "verified"  # an unsigned envelope stays unverified
    [finding] = _provenance_findings(doc, packs)
    assert (finding["rule"], finding["severity"]) == ("PRV-006", "medium")
    assert finding["message"].startswith("release.intoto.jsonl (line 2 payload:/predicateType): a vulnerability scan")
    assert entry["predicate_type"] in finding["message"]


def test_unknown_and_known_types_are_told_apart(tmp_path, packs):
    spdx, crev = "https://spdx.dev/Document/v2.3", "https://crev.dev/in-toto-scheme/v-1"
    known = _write(tmp_path, "sbom.intoto.json", _statement(spdx, {"spdxVersion": "SPDX-2.3"}))
    other = _write(tmp_path, "review.intoto.json", _statement(crev, {"rating": "ok"}))
    messages = sorted(f["message"] for f in _provenance_findings(normalize([known, other]), packs))
    assert messages == [
        f"review.intoto.json (/predicateType): a statement of unknown predicateType {crev}; "
        "its subjects identify artifacts, its claims are not read",
        f"sbom.intoto.json (/predicateType): a SPDX 2.3 SBOM statement (predicateType {spdx}), "
        "a type mlgov does not read; its subjects identify artifacts, its claims are not read",
    ]


def test_buildkit_sbom_attestation_next_to_its_provenance(packs):
    """Docker's documented SBOM attestation (tests/data/formats/SOURCES.md) beside BuildKit's
    provenance of the same image: the provenance is read, the SBOM named as not read."""
    formats = Path(__file__).parent / "data" / "formats"
    doc = normalize([formats / "buildkit-provenance-min.intoto.json", formats / "buildkit-sbom.intoto.json"])
    assert doc["training_runs"]  # BuildKit's SLSA v0.2 provenance is read
    [entry] = doc["unread_statements"]
    assert (entry["predicate_type"], entry["why"], entry["known_as"]) == ("https://spdx.dev/Document", "unsupported",
                                                                         "SPDX SBOM")
    assert doc["subjects"][0]["digest"]["sha256"] == "e8275b2b76280af67e26f068e5d585eb905f8dfd2f1918b3229db98133cb4862"
    [finding] = _provenance_findings(doc, packs)
    assert finding["rule"] == "PRV-006"
    assert finding["message"].startswith("buildkit-sbom.intoto.json (/predicateType): a SPDX SBOM statement")


def test_a_verified_lookalike_is_not_authenticated_provenance(cli, tmp_path):
    """Signed with a trusted key, a SLSA look-alike authenticates its subjects only: PRV-005
    still says no build provenance is authenticated, and PRV-007 says why."""
    from mlgov.resources import data_dir
    from mlgov.signing import dsse
    from mlgov.signing.keys import generate, load_signer, write_keypair

    private, public = write_keypair(generate(), tmp_path / "keys", "ci", None)
    params = tmp_path / "params.yaml"
    params.write_text("provenance: {require_authenticated_provenance: true}\n")

    def findings(ptype: str) -> dict[str, list[str]]:
        payload = json.dumps(_statement(ptype)).encode()
        path = _write(tmp_path, "build.dsse.json", dsse.sign(payload, dsse.IN_TOTO_PAYLOAD_TYPE, load_signer(private)))
        result = cli("eval", path, "--packs", data_dir("policies") / "provenance", "--params", params,
                     "--input-key", public, "--format", "json")
        assert result.exit_code in (0, 1), result.stderr
        out: dict[str, list[str]] = {}
        for f in result.json()["findings"]:
            out.setdefault(f["rule"], []).append(f["message"])
        return out

    assert "PRV-005" not in findings("https://slsa.dev/provenance/v1")  # its build claims are verified
    lookalike = findings("https://slsa.dev/provenance/v1.0")
    assert lookalike["PRV-005"] == ["no authenticated provenance: no input attestation whose claims mlgov reads "
                                    "was verified with a trusted input key"]
    assert "build.dsse.json (payload:/predicateType)" in lookalike["PRV-007"][0]
