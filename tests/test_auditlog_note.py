"""C2SP signed notes and checkpoints, cross-checked against Go's implementation (golang.org/x/mod
test vectors) and a real checkpoint of Go's checksum database (tests/data/note/SOURCES.md)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519

from mlgov.auditlog import note
from mlgov.auditlog.log import AuditLog
from mlgov.signing.keys import Signer, generate

DATA = Path(__file__).parent / "data" / "note"
VECTORS = json.loads((DATA / "golang-note-vectors.json").read_text())


def peter() -> Signer:
    seed = base64.b64decode(VECTORS["skey"].split("+", 4)[4])[1:]
    return Signer(ed25519.Ed25519PrivateKey.from_private_bytes(seed), "peter")


def test_signing_reproduces_go_note_output_byte_for_byte():
    signer = peter()
    assert note.verifier_key("PeterNeumann", signer.public) == VECTORS["vkey"]
    assert note.sign(VECTORS["text"], "PeterNeumann", signer) == VECTORS["signed"]


def test_open_ignores_unknown_signers_and_rejects_bad_signatures():
    name, public = note.public_from_verifier_key(VECTORS["vkey"])
    both = VECTORS["signed"] + VECTORS["other_signature_line"]
    assert note.open_note(both, [(name, public)]) == (VECTORS["text"], ["PeterNeumann"])
    other_name, other = note.public_from_verifier_key(VECTORS["other_vkey"])
    assert note.open_note(both, [(name, public), (other_name, other)])[1] == ["PeterNeumann", "EnochRoot"]
    with pytest.raises(note.NoteError, match="no signature by a trusted key"):
        note.open_note(VECTORS["signed"], [(other_name, other)])
    tampered = VECTORS["signed"].replace("problem,", "problem;")
    with pytest.raises(note.NoteError, match="does not verify"):
        note.open_note(tampered, [(name, public)])
    for bad in (VECTORS["text"], VECTORS["text"] + "\n", "\x01" + VECTORS["signed"],
                VECTORS["signed"] + "Unexpected line.\n"):
        with pytest.raises(note.NoteError):
            note.open_note(bad, [(name, public)])


def test_a_real_sum_golang_org_checkpoint_verifies():
    name, public = note.public_from_verifier_key((DATA / "sum.golang.org.vkey").read_text().strip())
    text = (DATA / "sum.golang.org-6476701.note").read_text(encoding="utf-8")
    assert name == "sum.golang.org"
    body, signers = note.open_note(text, [(name, public)])
    assert signers == ["sum.golang.org"]
    cp = note.parse_checkpoint(body)
    assert (cp.origin, cp.size) == ("go.sum database tree", 6476701)
    assert base64.b64encode(cp.root).decode() == "mb8QLQIs0Z0yP5Cstq6guj87oXWeC9gEM8oVikmm9Wk="


@pytest.mark.parametrize("kind", ["ed25519", "ecdsa-p256"])
def test_log_checkpoints_are_signed_notes(tmp_path, kind):
    log = AuditLog.open(tmp_path / "a.db")
    for i in range(5):
        log.append("gate", [{"name": f"m{i}"}], "pass")
    private = generate(kind)
    log.checkpoint(Signer(private, "k"))
    text = log.store.last_checkpoint().note
    lines = text.split("\n")
    assert lines[0] == log.origin and lines[1] == "5" and lines[3] == ""
    assert lines[4].startswith(f"\u2014 {log.origin} ")
    cp = note.open_checkpoint(text, [private.public_key()], log.origin)
    assert cp.root == log.store.root(5)
    with pytest.raises(note.NoteError, match="not of"):
        note.open_checkpoint(text, [private.public_key()], "another/log")
