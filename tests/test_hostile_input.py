"""Hostile input: only regular files are opened, odd paths and numbers are named errors, and
inputs at the documented limits are refused early instead of costing minutes and gigabytes."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest

from conftest import BUNDLES, FORMATS, error_line


@pytest.fixture(autouse=True)
def no_hang():
    """A regression here would block for ever (a FIFO open); fail the test instead."""
    def boom(*_):
        raise TimeoutError("blocked: an input was opened that should have been refused")

    old = signal.signal(signal.SIGALRM, boom)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def fails(cli, *args, command: str = "normalize") -> str:
    result = cli(command, *args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    return error_line(result)


def test_fifo_as_input_is_refused_before_open(cli, tmp_path):
    fifo = tmp_path / "card.md"
    os.mkfifo(fifo)
    assert f"{fifo}: is a FIFO; only regular files are read" in fails(cli, fifo)


def test_fifo_listed_in_a_bundle_is_refused(cli, bundle_copy):
    root, _ = bundle_copy()
    os.unlink(root / "model" / "model.ubj")
    os.mkfifo(root / "model" / "model.ubj")
    line = fails(cli, root)
    assert "model/model.ubj: is a FIFO; only regular files are read" in line


def test_fifo_as_metadata_in_a_bundle_is_refused(cli, bundle_copy):
    root, _ = bundle_copy()
    os.unlink(root / "metadata" / "ml-bom.cdx.json")
    os.mkfifo(root / "metadata" / "ml-bom.cdx.json")
    assert "metadata/ml-bom.cdx.json: is a FIFO" in fails(cli, root)


def test_fifo_as_key_is_refused(cli, tmp_path):
    fifo = tmp_path / "key.pem"
    os.mkfifo(fifo)
    result = cli("gate", BUNDLES / "credit-risk-pd", "--key", fifo, "--out", tmp_path / "v.json")
    assert result.exit_code == 2
    assert "is a FIFO; only regular files are read" in error_line(result)


def test_fifo_in_a_pack_is_refused(cli, tmp_path):
    import shutil

    from conftest import DOC_PACK

    pack = tmp_path / "pack"
    shutil.copytree(DOC_PACK, pack)
    os.mkfifo(pack / "extra.rego")
    result = cli("eval", BUNDLES / "credit-risk-pd", "--packs", pack)
    assert result.exit_code == 2
    assert "extra.rego: is a FIFO; only regular files are read" in error_line(result)


def test_device_as_verified_artifact_is_refused(cli, tmp_path):
    from mlgov.errors import InputError
    from mlgov.safeio import sha256_file

    with pytest.raises(InputError, match="is a character device; only regular files are read"):
        sha256_file("/dev/zero", "/dev/zero")


def test_symlink_loop_is_named(cli, tmp_path):
    loop = tmp_path / "loop.json"
    os.symlink(loop, loop)
    assert f"{loop}: symlink loop" in fails(cli, loop)


def test_nul_byte_in_a_path_is_named(cli, bundle_copy):
    root, edit = bundle_copy()
    edit(lambda m: m["metadata"].append("metadata/a\0b.json"))
    line = fails(cli, root)
    assert "mlgov.yaml: /metadata/3: path 'metadata/a\\\\x00b.json' contains a NUL byte" in line


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e999999"])
def test_non_finite_json_numbers_are_refused_by_name(cli, tmp_path, literal):
    bom = tmp_path / "bom.json"
    bom.write_text('{"bomFormat": "CycloneDX", "specVersion": "1.6", "x": ' + literal + "}")
    line = fails(cli, bom)
    assert str(bom) in line and ("not a JSON number" in line or "not a finite number" in line)


def test_yaml_nan_is_refused_with_the_field(cli, bundle_copy):
    root, _ = bundle_copy()
    text = (root / "mlgov.yaml").read_text().replace("  version: 3.2.0\n", "  version: 3.2.0\n  records: .nan\n", 1)
    (root / "mlgov.yaml").write_text(text)
    line = fails(cli, root)
    assert "mlgov.yaml: /model/records: number nan is not finite" in line


def test_yaml_integer_over_4300_digits_is_named(cli, bundle_copy):
    root, _ = bundle_copy()
    text = (root / "mlgov.yaml").read_text().replace("  version: 3.2.0\n", "  version: " + "9" * 5000 + "\n", 1)
    (root / "mlgov.yaml").write_text(text)
    assert "mlgov.yaml: malformed YAML: an integer has more than 4300 digits" in fails(cli, root)


@pytest.mark.parametrize("seed", [2**53 + 1, 2**63 + 1, -(2**63) - 1, 2**64 + 7])
def test_big_integers_are_facts(cli, bundle_copy, seed):
    root, edit = bundle_copy()
    edit(lambda m: m["training"][0].setdefault("seeds", {}).update({"global": seed}))
    result = cli("normalize", root)
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    seeds = [r["seeds"]["global"] for r in doc["training_runs"] if "global" in r.get("seeds", {})]
    assert seeds == [str(seed)]  # beyond RFC 8785's safe range: kept exactly, as decimal text
    assert cli("eval", root).exit_code in (0, 1)  # evaluated (regorus takes only 64-bit integers)


def test_huge_licence_expression_is_refused_quickly(cli, tmp_path):
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: " + " AND ".join(["MIT"] * 100_000) + "\n---\n# card\n")
    start = time.monotonic()
    line = fails(cli, card)
    assert time.monotonic() - start < 10
    assert f"{card}: /license: license of" in line and "10000-character limit" in line


def test_huge_name_is_refused_at_read_time(cli, bundle_copy):
    root, edit = bundle_copy()
    edit(lambda m: m["model"].update(name="m" * 100_000))
    line = fails(cli, root)
    assert "mlgov.yaml: /model/name: name of 100000 characters is longer than the 1000-character limit" in line


def test_huge_string_anywhere_is_refused_with_the_field(cli, tmp_path):
    bom = tmp_path / "bom.json"
    bom.write_text(json.dumps({"bomFormat": "CycloneDX", "specVersion": "1.6", "x": {"y": "a" * 1_100_000}}))
    assert f"{bom}: /x/y: text of 1100000 characters" in fails(cli, bom)


def test_bundle_listing_too_many_files_is_refused_quickly(cli, bundle_copy):
    root, edit = bundle_copy()
    edit(lambda m: m.update(artifacts=[{"path": f"model/f{i}.bin", "kind": "other"} for i in range(10_001)]))
    start = time.monotonic()
    line = fails(cli, root)
    assert time.monotonic() - start < 10
    assert "mlgov.yaml: /artifacts: lists more than 10000 entries" in line


def test_inventory_line_length_is_checked_while_reading(tmp_path):
    from mlgov.audit.inventory import read_jsonl
    from mlgov.safeio import MAX_FILE_BYTES

    inv = tmp_path / "inv.jsonl"
    with open(inv, "wb") as fh:
        fh.write(b"{}\n")
        fh.write(b" " * (MAX_FILE_BYTES + 10) + b"\n")
        fh.write(b"{}\n")
    items = list(read_jsonl(inv))
    assert [i.where.rsplit(":", 1)[1] for i in items] == ["1", "2", "3"]
    assert items[1].error == f"line longer than {MAX_FILE_BYTES} bytes"
    assert items[2].error is None or "line longer" not in items[2].error


def test_inventory_fifo_is_refused(tmp_path):
    from mlgov.audit.inventory import read_jsonl
    from mlgov.errors import MlgovError

    fifo = tmp_path / "inv.jsonl"
    os.mkfifo(fifo)
    with pytest.raises(MlgovError, match="is a FIFO"):
        list(read_jsonl(fifo))


def test_formats_fixture_still_reads(cli):
    assert cli("normalize", FORMATS / "hf-card-minimal.md").exit_code == 0


def test_verdict_with_non_ascii_base64_is_rejected_not_an_error(cli, tmp_path):
    from mlgov.signing.keys import generate, write_keypair

    _, public = write_keypair(generate(), tmp_path, "k", None)
    verdict = tmp_path / "verdict.json"
    verdict.write_text(json.dumps({"payloadType": "application/vnd.in-toto+json", "payload": "é" * 12,
                                   "signatures": [{"keyid": "", "sig": "AAAA"}]}), encoding="utf-8")
    result = cli("verify", verdict, "--key", public)
    assert result.exit_code == 1, result.stderr
    assert "payload or a signature is not valid base64" in result.stdout + result.stderr


def test_document_without_document_id_is_a_named_error(cli, tmp_path):
    doc = cli("normalize", BUNDLES / "credit-risk-pd").json()
    del doc["document_id"]
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(doc))
    result = cli("eval", path)
    assert result.exit_code == 2
    assert f"{path}: /document_id: a canonical document needs a document_id" in error_line(result)


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00"])
def test_timestamps_beyond_the_representable_range_are_named(value):
    from mlgov import timeutil
    from mlgov.errors import InputError

    with pytest.raises(InputError, match="timestamp out of range in UTC"):
        timeutil.normalize(value, "f.json", "/t")
    with pytest.raises(InputError, match="epoch-milliseconds timestamp out of range"):
        timeutil.from_epoch_ms(253402300800000, "f.json", "/t")
