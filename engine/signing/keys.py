"""Signing keys: Ed25519 (default) or ECDSA P-256, as PEM files, with a key id.

The key id is ``sha256:<hex>`` of the public key's DER SubjectPublicKeyInfo: derived from
the key itself, so it can be recomputed by anyone holding the public key, and it is only
ever a hint for picking a key, never a reason to trust one.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from ..errors import InputError, MlgovError

KEY_TYPES = ("ed25519", "ecdsa-p256")
PASSPHRASE_ENV = "MLGOV_KEY_PASSPHRASE"

PublicKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey
PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey


class KeyError_(MlgovError):
    """A key that cannot be read or used: exit 2."""


def key_id(public: PublicKey) -> str:
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return "sha256:" + hashlib.sha256(der).hexdigest()


def key_type(key: PublicKey | PrivateKey) -> str:
    if isinstance(key, (ed25519.Ed25519PublicKey, ed25519.Ed25519PrivateKey)):
        return "ed25519"
    if isinstance(key, (ec.EllipticCurvePublicKey, ec.EllipticCurvePrivateKey)) and key.curve.name == "secp256r1":
        return "ecdsa-p256"
    raise KeyError_(f"unsupported key type {type(key).__name__} (supported: {', '.join(KEY_TYPES)})")


@dataclass(frozen=True)
class Signer:
    private: PrivateKey
    keyid: str

    def sign(self, message: bytes) -> bytes:
        if isinstance(self.private, ed25519.Ed25519PrivateKey):
            return self.private.sign(message)
        return self.private.sign(message, ec.ECDSA(hashes.SHA256()))

    @property
    def public(self) -> PublicKey:
        return self.private.public_key()


def verify_signature(public: PublicKey, signature: bytes, message: bytes) -> bool:
    try:
        if isinstance(public, ed25519.Ed25519PublicKey):
            public.verify(signature, message)
        else:
            public.verify(signature, message, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError):
        return False
    return True


def generate(kind: str = "ed25519") -> PrivateKey:
    if kind == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    if kind == "ecdsa-p256":
        return ec.generate_private_key(ec.SECP256R1())
    raise KeyError_(f"unknown key type {kind!r} (supported: {', '.join(KEY_TYPES)})")


def write_keypair(private: PrivateKey, directory: Path, name: str, passphrase: bytes | None,
                  force: bool = False) -> tuple[Path, Path]:
    """Write ``NAME.pem`` (PKCS#8, mode 0600, encrypted when a passphrase is given) and ``NAME.pub.pem``."""
    directory.mkdir(parents=True, exist_ok=True)
    priv_path, pub_path = directory / f"{name}.pem", directory / f"{name}.pub.pem"
    for path in (priv_path, pub_path):
        if path.exists() and not force:
            raise KeyError_(f"{path}: already exists (use --force to replace it)")
    encryption = (serialization.BestAvailableEncryption(passphrase) if passphrase
                  else serialization.NoEncryption())
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    fd = os.open(priv_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    pub_path.write_bytes(private.public_key().public_bytes(serialization.Encoding.PEM,
                                                           serialization.PublicFormat.SubjectPublicKeyInfo))
    return priv_path, pub_path


def _read(path: Path) -> bytes:
    from ..safeio import read_bounded  # regular files only: a FIFO or device as --key would block

    try:
        return read_bounded(Path(path), str(path), limit=64 * 1024).data
    except InputError as exc:
        raise KeyError_(f"{exc.file}: cannot read key: {exc.message}") from None


def load_signer(path: Path, passphrase_env: str = PASSPHRASE_ENV) -> Signer:
    data = _read(path)
    passphrase = os.environ.get(passphrase_env)
    try:
        private = serialization.load_pem_private_key(data, password=passphrase.encode() if passphrase else None)
    except TypeError:
        raise KeyError_(f"{path}: the private key is encrypted; set {passphrase_env} to its passphrase") from None
    except ValueError as exc:
        reason = "wrong passphrase or not a PEM private key" if passphrase else "not a PEM private key"
        raise KeyError_(f"{path}: {reason} ({' '.join(str(exc).split())[:80]})") from None
    key_type(private)
    return Signer(private, key_id(private.public_key()))


def load_public(path: Path) -> PublicKey:
    data = _read(path)
    try:
        public = serialization.load_pem_public_key(data)
    except ValueError:
        raise KeyError_(f"{path}: not a PEM public key") from None
    key_type(public)
    return public
