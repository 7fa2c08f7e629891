"""Real files from the formats' own repositories (tests/data/formats/SOURCES.md), read as their
authors wrote them; and the identity rules that keep different things apart."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from mlgov.errors import InputError
from mlgov.normalize import normalize

DATA = Path(__file__).parent / "data" / "formats"
NPM_RUN = "https://github.com/sigstore/sigstore-js/actions/runs/6014488666/attempts/1"
NPM_SHA512 = ("90f223f992e4c88dd068cd2a5fc57f9d2b30798343dd6e38f29c240e04ba090ef831f84490847c4e82b9232c78e8a258"
              "463b1e55c0f7469f730265008fa6633f")


def subjects(doc: dict) -> dict[str, dict]:
    return {s["id"]: s for s in doc["subjects"]}


@pytest.mark.parametrize("name", ["sigstore-js-2.1.0-bundle-v0.1.json", "sigstore-js-2.1.0-bundle.json",
                                  "sigstore-js-2.1.0_with_2_bundles.intoto.jsonl"])
def test_npm_provenance_in_sigstore_bundles_keeps_a_sha512_only_subject(name):
    doc = normalize([DATA / name])
    subject = subjects(doc)["sigstore@2.1.0"]
    assert subject["digest"] == {"sha512": NPM_SHA512}
    assert subject["uri"] == "pkg:npm/sigstore@2.1.0"
    assert [r["id"] for r in doc["training_runs"]] == [NPM_RUN]
    run = doc["training_runs"][0]
    assert (run["code_repo"], run["code_commit"]) == ("https://github.com/sigstore/sigstore-js",
                                                      "26d16513386ffaa790b1c32f927544f1322e4194")


def test_github_artifact_attestations():
    doc = normalize([DATA / "reusable-workflow-attestation.sigstore.json"])
    (subject,) = doc["subjects"]
    assert subject["name"] == "github_provenance_demo-0.0.0-py3-none-any.whl" and "sha256" in subject["digest"]
    doc = normalize([DATA / "github_provenance_demo-0.0.12-py3-none-any-bundle.jsonl"])
    assert doc["training_runs"][0]["id"] == "https://github.com/actions/attest-demo/actions/runs/8788389601/attempts/1"


def test_statement_without_invocation_id_is_identified_by_what_it_built():
    doc = normalize([DATA / "a.dsse.staging-rekor-v2.txt.sigstore.json"])
    (run,) = doc["training_runs"]
    assert run["id"].startswith("build-") and run["extra"]["build_type"].endswith("rekor2-dsse-hashedrekord-regen")


def test_buildkit_v02_build_invocation_id_spelled_as_in_toto_golang_writes_it():
    doc = normalize([DATA / "buildkit-provenance-min.intoto.json"])
    (run,) = doc["training_runs"]
    assert run["id"] == "c4a87v0sxhliuewig10gnsb6v" and run["extra"]["invocation_id"] == run["id"]
    assert run["started"]["utc"] == "2022-12-16T08:26:28.651359Z"


def test_a_sigstore_blob_signature_is_unknown_and_says_why():
    with pytest.raises(InputError, match="a Sigstore bundle that signs a blob \\(messageSignature\\), not an in-toto"):
        normalize([DATA / "bundle_v3_github.whl.sigstore"])


def _statement(tmp_path: Path, name: str, subjects_: list[dict], predicate: dict | None = None,
               ptype: str = "https://slsa.dev/provenance/v1", envelope: bool = False) -> Path:
    statement = {"_type": "https://in-toto.io/Statement/v1", "subject": subjects_, "predicateType": ptype,
                 "predicate": predicate or {"buildDefinition": {"buildType": "https://example.com/ci@v1"},
                                            "runDetails": {"builder": {"id": "https://example.com/ci"}}}}
    path = tmp_path / name
    if envelope:
        statement = {"payloadType": "application/vnd.in-toto+json", "signatures": [],
                     "payload": base64.b64encode(json.dumps(statement).encode()).decode()}
    path.write_text(json.dumps(statement))
    return path


def test_two_builds_of_one_build_type_are_never_merged(tmp_path):
    a = _statement(tmp_path, "a.json", [{"name": "m.onnx", "digest": {"sha256": "a" * 64}}])
    b = _statement(tmp_path, "b.json", [{"name": "n.onnx", "digest": {"sha256": "b" * 64}}])
    doc = normalize([a, b])
    assert len(doc["training_runs"]) == 2


def test_subjects_named_underscore_stay_apart_and_name_is_optional(tmp_path):
    path = _statement(tmp_path, "s.json", [{"name": "_", "digest": {"sha256": "a" * 64}},
                                           {"name": "_", "digest": {"sha256": "b" * 64}},
                                           {"digest": {"sha512": "c" * 128}}])
    doc = normalize([path])
    assert sorted(s["id"] for s in doc["subjects"]) == ["sha256-aaaaaaaaaaaaaaaa", "sha256-bbbbbbbbbbbbbbbb",
                                                          "sha512-cccccccccccccccc"]
    assert all("name" not in s for s in doc["subjects"])


def test_sha256_is_preferred_when_a_digest_set_has_several(tmp_path):
    path = _statement(tmp_path, "s.json", [{"name": "m.bin", "digest": {"sha512": "c" * 128, "sha256": "d" * 64,
                                                                         "gitCommit": "e" * 40}}])
    assert normalize([path])["subjects"][0]["digest"] == {"sha256": "d" * 64}


def test_same_name_other_bytes_in_two_sources_are_two_subjects(tmp_path):
    a = _statement(tmp_path, "a.json", [{"name": "model.onnx", "digest": {"sha256": "a" * 64}}])
    b = _statement(tmp_path, "b.json", [{"name": "model.onnx", "digest": {"sha256": "b" * 64}}])
    doc = normalize([a, b])
    assert sorted(s["digest"]["sha256"][0] for s in doc["subjects"]) == ["a", "b"]
    assert not doc["conflicts"]


def test_same_bytes_under_two_names_are_one_subject(tmp_path):
    a = _statement(tmp_path, "a.json", [{"name": "model.onnx", "digest": {"sha256": "a" * 64}}])
    b = _statement(tmp_path, "b.json", [{"name": "dist/final.onnx", "digest": {"sha256": "a" * 64}}])
    (subject,) = normalize([a, b])["subjects"]
    assert subject["extra"]["aliases"] == ["final.onnx"]


@pytest.mark.parametrize("predicate,pointer", [
    ({"buildDefinition": "x"}, "/predicate/buildDefinition"),
    ({"runDetails": []}, "/predicate/runDetails"),
    ({"buildDefinition": {"resolvedDependencies": {"uri": "x"}}}, "/predicate/buildDefinition/resolvedDependencies"),
    ({"materials": [1]}, "/predicate/materials/0"),
    ({"metadata": {"buildInvocationID": 7}}, "/predicate/metadata/buildInvocationID"),
])
def test_wrong_typed_predicates_name_the_field(tmp_path, predicate, pointer):
    path = _statement(tmp_path, "s.json", [{"name": "m", "digest": {"sha256": "a" * 64}}], predicate,
                      envelope=True)
    with pytest.raises(InputError) as err:
        normalize([path])
    assert err.value.pointer == pointer and "(payload)" in str(err.value)


def test_non_ascii_base64_payload_is_named(tmp_path):
    path = tmp_path / "e.json"
    path.write_text(json.dumps({"payloadType": "application/vnd.in-toto+json", "payload": "é" * 8,
                                "signatures": []}))
    with pytest.raises(InputError, match="/payload: DSSE payload is not base64"):
        normalize([path])


@pytest.mark.parametrize("content,reason", [
    ({"predicateType": "https://slsa.dev/provenance/v1", "subject": []}, "`_type` is missing"),
    ({"_type": "https://in-toto.io/Statement/v0.3", "subject": []}, "is not a Statement v1 or v0.1"),
    ({"payloadType": "text/plain", "payload": "", "signatures": []}, "payloadType 'text/plain', not in-toto"),
    ({"hello": 1}, "json object with keys hello is none of these formats"),
])
def test_unknown_format_says_why(tmp_path, content, reason):
    path = tmp_path / "x.json"
    path.write_text(json.dumps(content))
    with pytest.raises(InputError, match="unknown format") as err:
        normalize([path])
    assert reason in str(err.value)


def test_plain_text_says_why(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some words\n")
    with pytest.raises(InputError, match="unknown format: yaml content of type str is none of these formats"):
        normalize([path])


OPENLINEAGE = DATA / "openlineage"


@pytest.mark.parametrize("name", ["example_full_event.json", "serde_example_run_event.json", "event_full.json",
                                  "event_simple.json"])
def test_openlineage_repository_events_normalize(name):
    doc = normalize([OPENLINEAGE / name])
    assert doc["training_runs"]


def test_a_job_reading_and_writing_the_same_dataset_is_not_a_cycle():
    doc = normalize([OPENLINEAGE / "example_full_event.json"])
    (run,) = doc["training_runs"]
    assert run["extra"]["updates_in_place"] == ["instance.schema.table"]
    assert [(e["from"], e["type"]) for e in doc["lineage"]["edges"]] == [
        ("dataset:instance.schema.table", "input_to")]


def test_openlineage_event_without_run_id_says_why():
    with pytest.raises(InputError, match=r"an OpenLineage event without run\.runId, which the spec requires"):
        normalize([OPENLINEAGE / "event_no_run_id.json"])


# Hugging Face cards: accept what huggingface_hub accepts (bench/hf_cards.py measures it on real cards).

@pytest.mark.parametrize("text", [
    "\n\n---\nlicense: mit\n---\n# Card\n",  # blank lines before the front matter
    "---\nlicense: mit\n---\n",  # front matter with no body
    "---\nlicense: mit\n---",  # ... and no final newline
])
def test_card_front_matter_as_the_hub_finds_it(tmp_path, text):
    card = tmp_path / "README.md"
    card.write_text(text)
    assert normalize([card])["model"]["license"] == "MIT"


def test_card_empty_values_and_yaml_11_words(tmp_path):
    card = tmp_path / "README.md"
    card.write_text("---\nbase_model:\ndatasets:\n- null\nlanguage:\n- no\n- en\ntags: [yes, 2023]\n"
                    "license: apache-2.0\n---\n## **Intended uses**\nFor Norwegian.\n")
    doc = normalize([card])
    assert doc["model"]["extra"]["language"] == ["no", "en"]
    assert doc["model"]["extra"]["tags"] == ["yes", "2023"]
    assert "base_models" not in doc["model"] and not doc.get("datasets")
    section = doc["documentation"]["model_card"]["sections"]["intended_use"]
    assert section["title"] == "**Intended uses**" and section["text"] == "For Norwegian."


def test_card_nan_metric_is_not_a_value(tmp_path):
    card = tmp_path / "README.md"
    card.write_text("---\nmodel-index:\n- name: m\n  results:\n  - task: {type: text-classification}\n"
                    "    dataset: {name: d, type: d}\n    metrics:\n    - {type: accuracy, value: .nan}\n"
                    "    - {type: f1, value: 0.9}\n---\n")
    doc = normalize([card])
    (evaluation,) = doc["evaluations"]
    assert [m["name"] for m in evaluation["metrics"]] == ["f1"]


def test_card_without_front_matter_or_empty_is_a_card_with_nothing_stated(tmp_path):
    for text in ("# Just a title\n\n## Limitations\nMany.\n", ""):
        card = tmp_path / "README.md"
        card.write_text(text)
        doc = normalize([card])
        assert "license" not in doc.get("model", {})


def test_card_duplicate_keys_stay_refused(tmp_path):
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: mit\nlicense: gpl-3.0\n---\n")
    with pytest.raises(InputError, match="duplicate key 'license'"):
        normalize([card])


# CycloneDX and SPDX 3 rules (synthetic documents: each states one rule)

CDX = Path(__file__).parent.parent / "fixtures" / "bundles" / "credit-risk-pd" / "metadata" / "ml-bom.cdx.json"


def _bom(tmp_path: Path, change) -> Path:
    bom = json.loads(CDX.read_text())
    change(bom)
    path = tmp_path / "bom.json"
    path.write_text(json.dumps(bom))
    return path


def test_cyclonedx_configuration_data_is_not_a_dataset(tmp_path):
    config = {"type": "data", "name": "training-config", "data": [{"type": "configuration", "name": "cfg"}]}
    doc = normalize([_bom(tmp_path, lambda b: b["components"].append(config))])
    assert "training-config" not in {d["id"] for d in doc.get("datasets", [])}
    assert any(c["name"] == "training-config" and c["type"] == "data" for c in doc["components"])


@pytest.mark.parametrize("licenses,pointer,words", [
    ([{"license": {"id": "MIT", "name": "x"}}], "/components/0/licenses/0/license", "either an SPDX licence `id` or a"),
    ([{"expression": "MIT"}, {"license": {"id": "MIT"}}], "/components/0/licenses", "cannot be mixed"),
])
def test_cyclonedx_licence_errors_in_words(tmp_path, licenses, pointer, words):
    with pytest.raises(InputError) as err:
        normalize([_bom(tmp_path, lambda b: b["components"][0].__setitem__("licenses", licenses))])
    assert err.value.pointer == pointer and words in err.value.message and "oneOf" not in err.value.message
    assert "valid under" not in err.value.message


def _spdx(tmp_path: Path, graph: list[dict]) -> Path:
    path = tmp_path / "ai.spdx3.json"
    path.write_text(json.dumps({"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": graph}))
    return path


def _pkg(kind: str, name: str) -> dict:
    return {"type": kind, "spdxId": f"urn:{name}", "name": name}


def _rel(frm: str, typ: str, *to: str) -> dict:
    return {"type": "Relationship", "spdxId": f"urn:r-{frm}-{typ}-{to[0]}", "from": f"urn:{frm}",
            "relationshipType": typ, "to": [f"urn:{t}" for t in to]}


def test_spdx_sibling_models_are_not_base_models(tmp_path):
    graph = [_pkg("ai_AIPackage", "release"), _pkg("ai_AIPackage", "base"), _pkg("ai_AIPackage", "sibling"),
             _rel("base", "ancestorOf", "release"),
             {"type": "SpdxDocument", "spdxId": "urn:doc", "rootElement": ["urn:release"]}]
    doc = normalize([_spdx(tmp_path, graph)])
    assert doc["model"]["name"] == "release"
    assert [b["name"] for b in doc["model"]["base_models"]] == ["base"]
    assert [c["name"] for c in doc["components"]] == ["sibling"]


def test_spdx_released_model_ambiguity_is_refused(tmp_path):
    graph = [_pkg("ai_AIPackage", "a"), _pkg("ai_AIPackage", "b")]
    with pytest.raises(InputError, match="cannot tell which AI package is released: a, b"):
        normalize([_spdx(tmp_path, graph)])


def test_spdx_root_element_names_the_release(tmp_path):
    graph = [_pkg("ai_AIPackage", "a"), _pkg("ai_AIPackage", "b"),
             {"type": "SpdxDocument", "spdxId": "urn:doc", "rootElement": ["urn:bom"]},
             {"type": "software_Sbom", "spdxId": "urn:bom", "rootElement": ["urn:b"]}]
    assert normalize([_spdx(tmp_path, graph)])["model"]["name"] == "b"


def test_spdx_trained_on_between_files_lifts_to_their_packages(tmp_path):
    graph = [_pkg("ai_AIPackage", "model"), _pkg("dataset_DatasetPackage", "data"),
             _pkg("software_File", "weights.bin"), _pkg("software_File", "train.csv"),
             _rel("model", "contains", "weights.bin"), _rel("data", "contains", "train.csv"),
             _rel("weights.bin", "trainedOn", "train.csv")]
    doc = normalize([_spdx(tmp_path, graph)])
    edges = {(e["from"], e["type"], e["to"]) for e in doc["lineage"]["edges"]}
    assert ("dataset:data", "trains", "model:model") in edges


def test_spdx_list_id_is_a_named_error(tmp_path):
    graph = [{"type": "ai_AIPackage", "@id": ["urn:x"], "name": "m"}]
    with pytest.raises(InputError) as err:
        normalize([_spdx(tmp_path, graph)])
    assert err.value.pointer == "/@graph/0/@id"
