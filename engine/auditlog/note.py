"""Checkpoints as C2SP signed notes (c2sp.org/signed-note, c2sp.org/tlog-checkpoint), the format
of Go's checksum database, Rekor v2 and the transparency-dev witnesses, so that their tools can
read and check an mlgov log's tree heads.

A checkpoint is the note text ``origin\\nsize\\nbase64(root)\\n``, a blank line, then lines
``— name base64(key ID || signature)``. Ed25519 keys sign with type 0x01 (key ID = the first
four bytes of SHA-256(name || 0x0A || 0x01 || public key)); ECDSA P-256 keys with type 0x02
(key ID = the first four bytes of SHA-256 of the DER public key), as the spec assigns."""

from __future__ import annotations

import base64
import binascii
import hashlib
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from ..errors import MlgovError
from ..signing.keys import PublicKey, Signer, verify_signature

MAX_NOTE_BYTES = 64 * 1024
_DASH = "\u2014 "


class NoteError(MlgovError):
    """A note that is not well formed, or not signed by a trusted key."""


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode(), *self.extensions]
        return "".join(line + "\n" for line in lines)


def _raw_public(public: PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_hash(name: str, public: PublicKey) -> int:
    """The uint32 key ID of ``public`` under ``name`` (type 0x01 Ed25519, 0x02 ECDSA)."""
    if isinstance(public, ed25519.Ed25519PublicKey):
        material = name.encode() + b"\n" + b"\x01" + _raw_public(public)
    else:
        material = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return struct.unpack(">I", hashlib.sha256(material).digest()[:4])[0]


def verifier_key(name: str, public: ed25519.Ed25519PublicKey) -> str:
    """The Go ``note`` verifier key string ``name+hash+base64(0x01 || key)`` (Ed25519 only)."""
    encoded = base64.b64encode(b"\x01" + _raw_public(public)).decode()
    return f"{name}+{key_hash(name, public):08x}+{encoded}"


def public_from_verifier_key(vkey: str) -> tuple[str, ed25519.Ed25519PublicKey]:
    name, hash_hex, encoded = vkey.split("+", 2)
    raw = base64.b64decode(encoded, validate=True)
    if raw[:1] != b"\x01" or len(raw) != 33:
        raise NoteError(f"{vkey}: not an Ed25519 note verifier key")
    public = ed25519.Ed25519PublicKey.from_public_bytes(raw[1:])
    if f"{key_hash(name, public):08x}" != hash_hex:
        raise NoteError(f"{vkey}: the key hash does not match the key")
    return name, public


def _check_name(name: str) -> None:
    if not name or "+" in name or any(c.isspace() for c in name):
        raise NoteError(f"{name!r}: a note key name must be non-empty, without spaces or '+'")


def sign(text: str, name: str, signer: Signer) -> str:
    """``text`` (ending in a newline) followed by a blank line and one signature line."""
    _check_name(name)
    if not text.endswith("\n"):
        raise NoteError("a note text ends in a newline")
    signature = signer.sign(text.encode())
    blob = struct.pack(">I", key_hash(name, signer.public)) + signature
    return f"{text}\n{_DASH}{name} {base64.b64encode(blob).decode()}\n"


def split(note: str) -> tuple[str, list[tuple[str, int, bytes]]]:
    """The text and its signature lines (name, key ID, signature); fails on any malformed part."""
    if len(note.encode()) > MAX_NOTE_BYTES:
        raise NoteError(f"a note larger than {MAX_NOTE_BYTES} bytes")
    if any(ord(c) < 0x20 and c != "\n" for c in note):
        raise NoteError("a note contains a control character")
    cut = note.rfind("\n\n")
    if cut < 0 or not note.endswith("\n"):
        raise NoteError("malformed note: no blank line before the signatures")
    text, block = note[:cut + 1], note[cut + 2:]
    signatures = []
    for line in block.splitlines():
        if not line.startswith(_DASH):
            raise NoteError(f"malformed signature line {line[:40]!r}")
        name, _, encoded = line[len(_DASH):].partition(" ")
        _check_name(name)
        try:
            blob = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise NoteError(f"signature of {name}: not base64") from None
        if len(blob) < 5:
            raise NoteError(f"signature of {name}: too short")
        signatures.append((name, struct.unpack(">I", blob[:4])[0], blob[4:]))
    if not signatures:
        raise NoteError("a note without signatures")
    return text, signatures


def open_note(note: str, keys: Sequence[tuple[str, PublicKey]]) -> tuple[str, list[str]]:
    """The text of a note and the names whose signatures verified. Signatures by unknown keys
    are ignored (as the spec requires); a known key's failing signature rejects the note."""
    text, signatures = split(note)
    verified = []
    for name, kid, signature in signatures:
        for known_name, public in keys:
            if known_name == name and key_hash(name, public) == kid:
                if not verify_signature(public, signature, text.encode()):
                    raise NoteError(f"the signature of {name} does not verify")
                verified.append(name)
    if not verified:
        raise NoteError("no signature by a trusted key")
    return text, verified


def parse_checkpoint(text: str) -> Checkpoint:
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "" or any(line == "" for line in lines[:-1]):
        raise NoteError("a checkpoint is at least three non-empty lines")
    origin, size, root = lines[0], lines[1], lines[2]
    if not size.isdigit() or (size != "0" and size.startswith("0")):
        raise NoteError(f"checkpoint tree size {size[:30]!r} is not a decimal number")
    try:
        digest = base64.b64decode(root, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError("checkpoint root hash is not base64") from None
    if len(digest) != 32:
        raise NoteError("checkpoint root hash is not 32 bytes")
    return Checkpoint(origin, int(size), digest, tuple(lines[3:-1]))


def open_checkpoint(note: str, keys: Sequence[PublicKey], origin: str | None = None) -> Checkpoint:
    """A checkpoint signed, under its origin as key name, by one of ``keys``."""
    text, _ = split(note)
    name = text.split("\n", 1)[0]
    if origin is not None and name != origin:
        raise NoteError(f"checkpoint of log {name!r}, not of {origin!r}")
    text, _ = open_note(note, [(name, k) for k in keys])
    return parse_checkpoint(text)


def sign_checkpoint(checkpoint: Checkpoint, signer: Signer) -> str:
    return sign(checkpoint.text(), checkpoint.origin, signer)
