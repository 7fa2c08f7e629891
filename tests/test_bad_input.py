"""Bad input fails closed: exit 2, one line naming the file and the field, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import BUNDLES, error_line

MANIFEST = "credit-risk-pd/mlgov.yaml"


def fails(cli, *args) -> str:
    result = cli("normalize", *args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    return error_line(result)


def test_malformed_json_names_line_and_column(cli, tmp_path):
    bad = tmp_path / "bom.json"
    bad.write_text('{"bomFormat": "CycloneDX",\n  "specVersion": "1.6" "components": []}')
    line = fails(cli, bad)
    assert f"{bad}: malformed JSON at line 2 column 24: Expecting ',' delimiter" in line


def test_malformed_yaml_manifest_names_line(cli, bundle_copy):
    root, _ = bundle_copy()
    (root / "mlgov.yaml").write_text("apiVersion: mlgov.dev/v1\nkind: ReleaseBundle\nmodel: {name: x\n")
    line = fails(cli, root)
    assert "credit-risk-pd/mlgov.yaml: malformed YAML at line 4" in line


def test_yaml_alias_bomb_is_refused_quickly(cli, bundle_copy):
    root, _ = bundle_copy()
    levels = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        levels.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    (root / "mlgov.yaml").write_text("apiVersion: mlgov.dev/v1\nkind: ReleaseBundle\nmodel: {name: x}\n"
                                     + "\n".join(levels) + "\n")
    line = fails(cli, root)
    assert "mlgov.yaml" in line and "too many values" in line and "alias bomb" in line


def test_deep_nesting_is_refused_with_the_pointer(cli, tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text('{"bomFormat": "CycloneDX", "x": ' + "[" * 80 + "]" * 80 + "}")
    line = fails(cli, deep)
    assert f"{deep}: /x/0/0/0" in line and "nested deeper than 64 levels" in line


def test_pathological_nesting_does_not_crash_the_parser(cli, tmp_path):
    deep = tmp_path / "deeper.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    assert "nested deeper than 64 levels" in fails(cli, deep)


def test_oversized_metadata_is_refused_before_parsing(cli, tmp_path):
    big = tmp_path / "huge.json"
    with open(big, "wb") as fh:
        fh.truncate(32 * 1024 * 1024 + 1)  # sparse: one byte past the limit
    assert f"{big}: larger than the 33554432-byte limit" in fails(cli, big)


def test_wrong_type_in_manifest_names_the_field(cli, bundle_copy):
    root, edit = bundle_copy()
    edit(lambda m: m["evaluations"][0]["metrics"][0].__setitem__("value", "high"))
    line = fails(cli, root)
    assert "mlgov.yaml: /evaluations/0/metrics/0/value: 'high' is not of type 'number'" in line


def test_wrong_type_in_a_source_file_names_the_field(cli, tmp_path):
    data = json.loads((BUNDLES / "credit-risk-pd/metadata/mlflow-export.json").read_text())
    data["runs"][0]["data"]["params"] = {"max_depth": 5}
    bad = tmp_path / "mlflow.json"
    bad.write_text(json.dumps(data))
    assert f"{bad}: /runs/0/data/params: " in fails(cli, bad)


def test_unknown_risk_tier_is_an_error_not_a_default(cli, bundle_copy):
    root, edit = bundle_copy()
    edit(lambda m: m["model"].__setitem__("risk_tier", "hgih"))
    assert "mlgov.yaml: /model/risk_tier: unknown risk tier 'hgih'" in fails(cli, root)


def test_unknown_format(cli, tmp_path):
    odd = tmp_path / "notes.json"
    odd.write_text('{"hello": "world"}')
    # the error says why (tests/test_formats_real.py has the format-specific reasons)
    assert f"{odd}: unknown format: json object with keys hello is none of these formats (formats read:" \
        in fails(cli, odd)


def test_unsupported_cyclonedx_version(cli, tmp_path):
    old = tmp_path / "bom.json"
    old.write_text('{"bomFormat": "CycloneDX", "specVersion": "1.2"}')
    assert f"{old}: /specVersion: unsupported CycloneDX specVersion '1.2'" in fails(cli, old)


@pytest.mark.parametrize(("path", "why"), [
    ("../outside.bin", "path '../outside.bin' leaves the bundle ('..')"),
    ("model/../../outside.bin", "path 'model/../../outside.bin' leaves the bundle ('..')"),
    ("/etc/passwd", "absolute path '/etc/passwd' is not allowed"),
])
def test_paths_that_leave_the_bundle_are_refused(cli, bundle_copy, path, why):
    root, edit = bundle_copy()
    (root.parent / "outside.bin").write_bytes(b"secret")
    edit(lambda m: m["artifacts"][0].__setitem__("path", path))
    line = fails(cli, root)
    assert f"mlgov.yaml: /artifacts/0/path: {why}" in line


def test_symlink_out_of_the_bundle_is_refused(cli, bundle_copy, tmp_path):
    root, edit = bundle_copy()
    secret = tmp_path / "secret.txt"
    secret.write_text("not yours")
    os.symlink(secret, root / "docs" / "link.md")
    edit(lambda m: m["documentation"].__setitem__("model_card", "docs/link.md"))
    line = fails(cli, root)
    assert "mlgov.yaml: /documentation/model_card: path 'docs/link.md' resolves outside the bundle" in line


def test_symlink_inside_the_bundle_is_fine(cli, bundle_copy):
    root, edit = bundle_copy()
    os.symlink(root / "docs" / "model-card.md", root / "docs" / "card-link.md")
    edit(lambda m: m["documentation"].__setitem__("model_card", "docs/card-link.md"))
    assert cli("normalize", root, "--format", "json").exit_code == 0


def test_missing_listed_file(cli, bundle_copy):
    root, _ = bundle_copy()
    (root / "model" / "model.ubj").unlink()
    assert f"{root}/model/model.ubj: listed file is missing" in fails(cli, root)


def test_declared_digest_must_match_the_bytes(cli, bundle_copy):
    root, edit = bundle_copy()
    edit(lambda m: m["artifacts"][0].__setitem__("digest", "sha256:" + "0" * 64))
    line = fails(cli, root)
    assert ("mlgov.yaml: /artifacts/0/digest: declared digest does not match model/model.ubj "
            "(file has sha256:14b19a") in line


def test_duplicate_yaml_keys_are_refused(cli, bundle_copy):
    root, _ = bundle_copy()
    text = (root / "mlgov.yaml").read_text().replace("  risk_tier: tier 1\n", "  risk_tier: tier 1\n  risk_tier: 3\n")
    (root / "mlgov.yaml").write_text(text)
    line = fails(cli, root)
    assert "mlgov.yaml: malformed YAML at line" in line and "duplicate key 'risk_tier'" in line


def test_duplicate_json_keys_are_refused(cli, tmp_path):
    dup = tmp_path / "dup.json"
    dup.write_text('{"bomFormat": "CycloneDX", "bomFormat": "SPDX"}')
    assert "duplicate key 'bomFormat'" in fails(cli, dup)


def test_not_a_bundle_directory(cli, tmp_path):
    assert f"{tmp_path}: not a release bundle: no mlgov.yaml" in fails(cli, tmp_path)


def test_lineage_cycle_names_the_cycle_and_its_source(cli, bundle_copy):
    root, edit = bundle_copy()
    edit(lambda m: m.setdefault("lineage", []).append(
        {"from": "model", "to": "feature:pd-application-features", "type": "feeds"}))
    line = fails(cli, root)
    assert "credit-risk-pd/mlgov.yaml: /" in line and ": lineage has a cycle: " in line
    cycle = line.split("lineage has a cycle: ")[1].split(" -> ")
    assert cycle[0] == cycle[-1]  # the cycle closes on itself
    assert {"model:credit-risk-pd", "feature:pd-application-features"} <= set(cycle)


def test_binary_garbage_is_not_text(cli, tmp_path):
    junk = tmp_path / "weights.bin"
    junk.write_bytes(bytes(range(256)))
    assert f"{junk}: not UTF-8 text" in fails(cli, junk)


def test_subprocess_exit_code_and_single_line(tmp_path):
    """The installed console script itself, not only the click runner, fails closed."""
    bad = tmp_path / "x.json"
    bad.write_text("{")
    script = Path(sys.executable).with_name("mlgov")
    proc = subprocess.run([str(script), "normalize", str(bad)], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip().count("\n") == 0 and proc.stderr.startswith("mlgov: error: ")
