"""in-toto Statements with SLSA provenance (v1, v0.2), bare, in a DSSE envelope, in a Sigstore
bundle (v0.1-v0.3), or several of those as an in-toto bundle (``.intoto.jsonl``).

Envelopes are unwrapped here: locations inside a payload are prefixed ``payload:`` (``line N
payload:`` in a JSON-lines bundle); whether a signature verifies with a key the user trusts
for inputs is decided by ``signed_inputs`` and recorded in each fact's provenance.

A Statement of any other predicateType still names its subjects (they identify artifacts),
but its claims are not read: it is recorded in ``unread_statements`` (type, why, subjects) so
that the provenance pack reports it instead of passing over it (see ``intoto_types``).

Subjects are identified by digest (sha256 preferred, else the strongest algorithm given), not
by name: the spec makes ``name`` optional and SLSA uses ``_`` for "not important".
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any

from ..document import vocab
from ..document.facts import FactList
from ..document.schema import validate
from ..errors import InputError
from ..safeio import parse_json
from . import common, intoto_types, signed_inputs
from .interface import Loaded, Source, add_edge

STATEMENT_TYPES = ("https://in-toto.io/Statement/v1", "https://in-toto.io/Statement/v0.1")
IN_TOTO_PAYLOAD = "application/vnd.in-toto+json"
SIGSTORE_BUNDLE = "application/vnd.dev.sigstore.bundle"
DIGEST_PREFERENCE = ("sha256", "sha512", "sha384", "sha3_512", "sha3_384", "sha3_256")
_HEX_LENGTH = {"sha256": 64, "sha384": 96, "sha512": 128, "sha3_256": 64, "sha3_384": 96, "sha3_512": 128}
_MODEL_EXT = (".onnx", ".safetensors", ".pt", ".pth", ".bin", ".gguf", ".pkl", ".joblib", ".h5", ".keras",
              ".pb", ".tflite", ".mlmodel", ".ckpt", ".ubj", ".xgb")


def _kind(name: str) -> str:
    lower = name.lower()
    if lower.endswith(_MODEL_EXT):
        return "model"
    if lower.startswith(("oci://", "docker://", "pkg:docker/", "pkg:oci/")) or "@sha256:" in lower:
        return "container"
    return "other"


@dataclass(frozen=True)
class Unwrapped:
    """One Statement found in a file, with where it was and the envelope that carried it."""

    statement: Any
    prefix: str  # prefix of locations inside the statement
    envelope: dict | None  # the DSSE envelope, when there was one
    envelope_at: str  # where the envelope is in the file
    certificate: bool = False  # a Sigstore bundle whose signer is a (Fulcio) certificate


def _is_envelope(value: Any) -> bool:
    return isinstance(value, dict) and "payloadType" in value and "payload" in value


def _is_sigstore(value: Any) -> bool:
    return isinstance(value, dict) and str(value.get("mediaType", "")).startswith(SIGSTORE_BUNDLE)


def _is_statement(value: Any) -> bool:
    return isinstance(value, dict) and value.get("_type") in STATEMENT_TYPES


def _entries(loaded: Loaded) -> list[tuple[Any, str]]:
    if loaded.syntax == "jsonl":
        return [(e, f"line {i + 1} ") for i, e in enumerate(loaded.data)]
    return [(loaded.data, "")]


def _unwrap_one(value: Any, lead: str, file: str) -> Unwrapped:
    """The Statement inside one entry (bare, DSSE envelope or Sigstore bundle); ``lead`` is
    ``""`` for a single-document file or ``"line N "`` in a JSON-lines bundle."""
    certificate, inner = False, ""
    if _is_sigstore(value):
        material = value.get("verificationMaterial")
        if not isinstance(value.get("dsseEnvelope"), dict):
            what = "a blob signature (messageSignature)" if "messageSignature" in value else "no dsseEnvelope"
            raise InputError(file, f"Sigstore bundle carries {what}, not an in-toto attestation",
                             f"{lead}/dsseEnvelope")
        certificate = isinstance(material, dict) and ("certificate" in material or "x509CertificateChain" in material)
        value, inner = value["dsseEnvelope"], "dsseEnvelope."
    if not _is_envelope(value):
        return Unwrapped(value, f"{lead.strip()}:" if lead else "", None, lead.strip())
    envelope_at = f"{lead}/{inner.rstrip('.')}" if inner else lead.strip()
    if value.get("payloadType") != IN_TOTO_PAYLOAD:
        raise InputError(file, f"DSSE payloadType is {str(value.get('payloadType'))[:80]!r}, not {IN_TOTO_PAYLOAD!r}",
                         f"{envelope_at}/payloadType")
    try:
        payload = base64.b64decode(str(value["payload"]), validate=True).decode("utf-8")
    except ValueError:  # binascii.Error, non-ASCII text, UnicodeDecodeError
        raise InputError(file, "DSSE payload is not base64-encoded UTF-8", f"{envelope_at}/payload") from None
    statement = parse_json(payload, f"{file} ({lead}{inner}payload)")
    return Unwrapped(statement, f"{lead}{inner}payload:", value, envelope_at, certificate)


def unwrap(loaded: Loaded) -> list[Unwrapped]:
    return [_unwrap_one(value, where, loaded.display) for value, where in _entries(loaded)]


def _why_not(loaded: Loaded) -> str | None:
    """Why JSON that looks like in-toto is not read as such (for "unknown format" errors)."""
    data = loaded.data
    if not isinstance(data, dict):
        return None
    if "_type" in data and data.get("_type") not in STATEMENT_TYPES:
        return f"in-toto _type {str(data.get('_type'))[:80]!r} is not a Statement v1 or v0.1"
    if "predicateType" in data and "_type" not in data:
        return "looks like an in-toto Statement but `_type` is missing"
    if _is_envelope(data) and data.get("payloadType") != IN_TOTO_PAYLOAD:
        return f"a DSSE envelope of payloadType {str(data.get('payloadType'))[:80]!r}, not in-toto"
    if _is_sigstore(data) and not isinstance(data.get("dsseEnvelope"), dict):
        what = "signs a blob (messageSignature)" if "messageSignature" in data else "has no dsseEnvelope"
        return f"a Sigstore bundle that {what}, not an in-toto attestation"
    if "mediaType" in data and "sigstore" in str(data.get("mediaType")):
        return f"Sigstore bundle media type {str(data.get('mediaType'))[:80]!r} is not v0.1-v0.3"
    return None


def preferred_digest(digest: Any) -> tuple[str, str] | None:
    """(algorithm, lower-case hex) of the preferred algorithm in a DigestSet, if any."""
    if not isinstance(digest, dict):
        return None
    for alg in DIGEST_PREFERENCE:
        value = digest.get(alg)
        if isinstance(value, str) and len(value) == _HEX_LENGTH[alg]:
            try:
                int(value, 16)
            except ValueError:
                continue
            return alg, value.lower()
    return None


class InTotoStatement(Source):
    format = "in-toto"
    description = ("in-toto Statement v1 / SLSA provenance (bare, in a DSSE envelope, in a Sigstore bundle, "
                   "or an .intoto.jsonl bundle)")
    schema = None  # each Statement is checked once unwrapped (sources/in-toto-statement)

    def why_not(self, loaded: Loaded) -> str | None:
        return _why_not(loaded)

    def detect(self, loaded: Loaded) -> bool:
        def one(value: Any) -> bool:
            if _is_sigstore(value):
                return isinstance(value.get("dsseEnvelope"), dict) and \
                    value["dsseEnvelope"].get("payloadType") == IN_TOTO_PAYLOAD
            if _is_envelope(value):
                return value.get("payloadType") == IN_TOTO_PAYLOAD
            return _is_statement(value)

        if loaded.syntax == "jsonl":
            return bool(loaded.data) and all(one(e) for e in loaded.data)
        return loaded.syntax == "json" and one(loaded.data)

    def facts(self, loaded: Loaded) -> FactList:
        f = FactList()
        found_all = unwrap(loaded)
        named: dict[str, set[str]] = {}  # short name -> digests it names, across the whole file
        seen: dict[tuple[str, str], str] = {}  # digest -> the subject key its first listing got
        for found in found_all:
            listed = found.statement.get("subject") if isinstance(found.statement, dict) else None
            for subj in listed if isinstance(listed, list) else []:  # wrong types: the schema names them
                digest = preferred_digest(subj.get("digest")) if isinstance(subj, dict) else None
                name = str(subj.get("name") or "") if isinstance(subj, dict) else ""
                if digest and name not in ("", "_"):
                    named.setdefault(_short_name(name), set()).add(digest[1])
        for found in found_all:
            facts = FactList()
            self.statement_facts(facts, found, loaded.display, named, seen)
            if found.envelope is not None:  # facts inside an envelope say whether a trusted key signed it
                signature = signed_inputs.check(found.envelope, found.certificate)
                facts = FactList(replace(fact, signature=signature) for fact in facts)
            f.extend(facts)
        return f

    def statement_facts(self, f: FactList, found: Unwrapped, file: str, named: dict[str, set[str]],
                        seen: dict[tuple[str, str], str] | None = None) -> None:
        statement, pre = found.statement, found.prefix
        seen = {} if seen is None else seen
        shown = f"{file} ({pre.rstrip(':')})" if pre else file
        if not _is_statement(statement):
            raise InputError(file, "DSSE payload is not an in-toto Statement (`_type` is "
                             f"{str(statement.get('_type') if isinstance(statement, dict) else None)[:60]!r})",
                             f"{pre}/_type")
        validate(statement, "sources/in-toto-statement", shown)
        subjects = []
        for i, subj in enumerate(statement["subject"]):
            found_digest = preferred_digest(subj.get("digest"))
            if found_digest is None:
                raise InputError(file, "subject has no digest mlgov can identify it by (one of "
                                 f"{', '.join(DIGEST_PREFERENCE)}, as hex)", f"{pre}/subject/{i}/digest")
            name = str(subj.get("name") or "")
            short = _short_name(name) if name not in ("", "_") else ""
            subjects.append((i, name, short, found_digest))
        keys = []
        for i, name, short, (alg, hex_) in subjects:
            at = f"{pre}/subject/{i}"
            if (alg, hex_) in seen:
                # the same bytes listed again under another path (kubectl's release lists the client
                # and node copies of one binary): subjects match by digest (in-toto spec), so this is
                # another name for the same subject, kept as an alias, not a second, conflicting name
                key = seen[(alg, hex_)]
                keys.append(key)
                if name not in ("", "_"):
                    f.add(("subjects", key, "extra", "aliases"), [name], f"{at}/name", union=True)
                continue
            # a name identifies a subject only if it names one digest here; otherwise the digest does
            key = vocab.entity_key(short) if short and len(named.get(short, ())) == 1 else f"{alg}-{hex_[:16]}"
            seen[(alg, hex_)] = key
            keys.append(key)
            base = ("subjects", key)
            f.add((*base, "name"), short or None, f"{at}/name")
            f.add((*base, "kind"), _kind(name) if name else "other", f"{at}/name")
            f.add((*base, "digest"), {alg: hex_}, f"{at}/digest/{alg}")
            if name and name != short:
                f.add((*base, "uri"), name, f"{at}/name")
        predicate = statement.get("predicate") or {}
        ptype = str(statement.get("predicateType", ""))
        if ptype == intoto_types.READ[0]:
            self._slsa_v1(f, predicate, f"{pre}/predicate", keys, statement, file)
        elif ptype == intoto_types.READ[1]:
            self._slsa_v02(f, predicate, f"{pre}/predicate", keys, statement, file)
        else:
            _unread(f, statement, pre, keys)

    def _slsa_v1(self, f: FactList, pred: dict, at: str, subjects: list[str], statement: dict, file: str) -> None:
        build = pred.get("buildDefinition") or {}
        details = pred.get("runDetails") or {}
        meta = details.get("metadata") or {}
        run_key = _run_key(meta.get("invocationId"), statement)
        base = ("training_runs", run_key)
        f.add((*base, "extra", "invocation_id"), meta.get("invocationId"), f"{at}/runDetails/metadata/invocationId")
        f.add((*base, "builder"), (details.get("builder") or {}).get("id"), f"{at}/runDetails/builder/id")
        f.add((*base, "extra", "build_type"), build.get("buildType"), f"{at}/buildDefinition/buildType")
        common.stamp(f, (*base, "started"), meta.get("startedOn"), file, f"{at}/runDetails/metadata/startedOn")
        common.stamp(f, (*base, "ended"), meta.get("finishedOn"), file, f"{at}/runDetails/metadata/finishedOn")
        for k, v in (build.get("externalParameters") or {}).items():
            if isinstance(v, (str, int, float, bool)):
                f.add((*base, "parameters", str(k)), v, f"{at}/buildDefinition/externalParameters/{k}")
        self._materials(f, build.get("resolvedDependencies"), f"{at}/buildDefinition/resolvedDependencies", base)
        for key in subjects:
            add_edge(f, f"run:{run_key}", "produces", f"artifact:{key}", f"{at}/runDetails")

    def _slsa_v02(self, f: FactList, pred: dict, at: str, subjects: list[str], statement: dict, file: str) -> None:
        meta = pred.get("metadata") or {}
        # the spec spells it buildInvocationId; in-toto-golang (slsa-github-generator) writes buildInvocationID
        field = "buildInvocationId" if "buildInvocationId" in meta else "buildInvocationID"
        run_key = _run_key(meta.get(field), statement)
        base = ("training_runs", run_key)
        f.add((*base, "extra", "invocation_id"), meta.get(field), f"{at}/metadata/{field}")
        f.add((*base, "builder"), (pred.get("builder") or {}).get("id"), f"{at}/builder/id")
        f.add((*base, "extra", "build_type"), pred.get("buildType"), f"{at}/buildType")
        common.stamp(f, (*base, "started"), meta.get("buildStartedOn"), file, f"{at}/metadata/buildStartedOn")
        common.stamp(f, (*base, "ended"), meta.get("buildFinishedOn"), file, f"{at}/metadata/buildFinishedOn")
        self._materials(f, pred.get("materials"), f"{at}/materials", base)
        for key in subjects:
            add_edge(f, f"run:{run_key}", "produces", f"artifact:{key}", f"{at}/builder")

    def _materials(self, f: FactList, deps: Any, at: str, base: tuple[str, ...]) -> None:
        for i, dep in enumerate(deps or []):
            digest = dep.get("digest") or {}
            uri = str(dep.get("uri") or dep.get("name") or "")
            commit = (digest.get("gitCommit") or digest.get("sha1")) if uri.startswith("git+") else None
            if commit:
                f.add((*base, "code_commit"), str(commit), f"{at}/{i}/digest")
                f.add((*base, "code_repo"), uri.removeprefix("git+").split("@")[0] or None, f"{at}/{i}/uri")
            elif uri:
                f.add((*base, "extra", "materials"), [{"uri": uri, **{k: str(v) for k, v in digest.items()}}],
                      f"{at}/{i}", union=True)


def _unread(f: FactList, statement: dict, pre: str, subjects: list[str]) -> None:
    """Record a Statement whose predicate mlgov does not read: what type, why, about what."""
    ptype = str(statement.get("predicateType", ""))
    why, known_as = intoto_types.classify(ptype, statement.get("predicate"))
    canonical = json.dumps(statement, sort_keys=True, ensure_ascii=False, default=str)
    base = ("unread_statements", "statement-" + hashlib.sha256(canonical.encode()).hexdigest()[:16])
    f.add((*base, "predicate_type"), ptype, f"{pre}/predicateType")
    f.add((*base, "why"), why, f"{pre}/predicateType")
    f.add((*base, "known_as"), known_as, f"{pre}/predicateType")
    f.add((*base, "subjects"), sorted(set(subjects)), f"{pre}/subject", union=True)


def _short_name(name: str) -> str:
    """``pkg:npm/sigstore@2.1.0`` -> ``sigstore@2.1.0``; ``dist/model.onnx`` -> ``model.onnx``."""
    if name.startswith("pkg:"):
        bare = name.split("?", 1)[0].split("#", 1)[0]
        path, at, version = bare.rpartition("@") if "@" in bare else (bare, "", "")
        return path.rstrip("/").rsplit("/", 1)[-1] + at + version
    return name.rstrip("/").rsplit("/", 1)[-1] or name


def _run_key(invocation: Any, statement: dict) -> str:
    """A build's identity: its invocation id, else the digests it produced (never the build type
    alone, which every build of a workflow shares)."""
    if invocation not in (None, ""):
        return vocab.entity_key(str(invocation))
    produced = sorted(json.dumps(s.get("digest"), sort_keys=True) for s in statement["subject"])
    return "build-" + hashlib.sha256("\n".join(produced).encode()).hexdigest()[:16]
