"""Key hygiene: keygen writes 0600 whatever was there, never writes through a symlink, and a
private key others can read is refused when signing."""

from __future__ import annotations

import os
import stat

from conftest import BUNDLES, error_line


def test_force_replaces_a_world_readable_key_with_a_0600_one(cli, tmp_path):
    assert cli("keygen", "-o", tmp_path).exit_code == 0
    key = tmp_path / "mlgov-key.pem"
    os.chmod(key, 0o666)
    before = key.read_bytes()
    assert cli("keygen", "-o", tmp_path, "--force").exit_code == 0
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and key.read_bytes() != before
    assert not list(tmp_path.glob(".*.tmp"))


def test_keygen_does_not_follow_a_symlink_out_of_its_directory(cli, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "mlgov-key.pem").symlink_to(outside)
    for extra in ((), ("--force",)):
        result = cli("keygen", "-o", keys, *extra)
        assert result.exit_code == 2 and "is a symbolic link; refusing to write a key through it" in error_line(result)
    assert outside.read_text() == "precious"
    bad_name = cli("keygen", "-o", keys, "--name", "../escape")
    assert bad_name.exit_code == 2 and "a key name is a plain file name" in error_line(bad_name)
    assert not (tmp_path / "escape.pem").exists()


def test_a_private_key_others_can_read_is_refused_when_signing(cli, tmp_path):
    assert cli("keygen", "-o", tmp_path).exit_code == 0
    key = tmp_path / "mlgov-key.pem"
    os.chmod(key, 0o644)
    out = tmp_path / "v.json"
    result = cli("gate", BUNDLES / "credit-risk-pd", "--key", key, "--out", out)
    assert result.exit_code == 2
    assert f"private key is readable or writable by others (mode 0644); run: chmod 600 {key}" in error_line(result)
    assert not out.exists()
    os.chmod(key, 0o600)
    assert cli("gate", BUNDLES / "credit-risk-pd", "--key", key, "--out", out).exit_code == 0
