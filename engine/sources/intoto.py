"""in-toto Statement v1 with SLSA provenance v1 (or v0.2), bare or inside a DSSE envelope.

A DSSE envelope is only unwrapped here, never trusted: locations inside it are prefixed
``payload:`` and the format says the signature was not verified by this reader.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from ..document import vocab
from ..document.facts import FactList
from ..document.schema import validate
from ..errors import InputError
from ..safeio import parse_json
from . import common
from .interface import Loaded, Source, add_edge, as_list

STATEMENT_TYPES = ("https://in-toto.io/Statement/v1", "https://in-toto.io/Statement/v0.1")
_MODEL_EXT = (".onnx", ".safetensors", ".pt", ".pth", ".bin", ".gguf", ".pkl", ".joblib", ".h5", ".keras",
              ".pb", ".tflite", ".mlmodel", ".ckpt", ".ubj", ".xgb")


def _kind(name: str) -> str:
    lower = name.lower()
    if lower.endswith(_MODEL_EXT):
        return "model"
    if lower.startswith(("oci://", "docker://")) or "@sha256:" in lower:
        return "container"
    return "other"


def unwrap(loaded: Loaded) -> tuple[dict, str]:
    """The Statement and the prefix for locations inside it."""
    data = loaded.data
    if isinstance(data, dict) and "payloadType" in data and "payload" in data:
        try:
            payload = base64.b64decode(str(data["payload"]), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise InputError(loaded.display, "DSSE payload is not base64-encoded UTF-8", "/payload") from None
        statement = parse_json(payload, f"{loaded.display} (DSSE payload)")
        return statement, "payload:"
    return data, ""


class InTotoStatement(Source):
    format = "in-toto"
    description = "in-toto Statement v1 / SLSA provenance (bare, or in an unverified DSSE envelope)"
    schema = "sources/in-toto"

    def detect(self, loaded: Loaded) -> bool:
        data = loaded.data
        if loaded.syntax != "json" or not isinstance(data, dict):
            return False
        if data.get("payloadType") == "application/vnd.in-toto+json" and "payload" in data:
            return True
        return data.get("_type") in STATEMENT_TYPES

    def facts(self, loaded: Loaded) -> FactList:
        statement, pre = unwrap(loaded)
        file = loaded.display
        if pre:
            validate(statement, "sources/in-toto-statement", f"{file} (DSSE payload)")
        if statement.get("_type") not in STATEMENT_TYPES:
            raise InputError(file, "DSSE payload is not an in-toto Statement", f"{pre}/_type")
        f = FactList()
        subject_keys = []
        for i, subj in enumerate(as_list(statement.get("subject"))):
            if not isinstance(subj, dict) or not subj.get("name"):
                raise InputError(file, "subject needs a name", f"{pre}/subject/{i}")
            digest = (subj.get("digest") or {}).get("sha256")
            if not digest:
                raise InputError(file, "subject has no sha256 digest", f"{pre}/subject/{i}/digest")
            key = vocab.entity_key(subj["name"].rsplit("/", 1)[-1])
            subject_keys.append(key)
            base = ("subjects", key)
            f.add((*base, "name"), subj["name"].rsplit("/", 1)[-1], f"{pre}/subject/{i}/name")
            f.add((*base, "kind"), _kind(subj["name"]), f"{pre}/subject/{i}/name")
            common.digest(f, (*base, "digest"), digest, file, f"{pre}/subject/{i}/digest/sha256")
        predicate = statement.get("predicate") or {}
        ptype = str(statement.get("predicateType", ""))
        if ptype.startswith("https://slsa.dev/provenance/v1"):
            self._slsa_v1(f, predicate, f"{pre}/predicate", subject_keys, file)
        elif ptype.startswith("https://slsa.dev/provenance/v0.2"):
            self._slsa_v02(f, predicate, f"{pre}/predicate", subject_keys, file)
        return f

    def _slsa_v1(self, f: FactList, pred: dict, at: str, subjects: list[str], file: str) -> None:
        build = pred.get("buildDefinition") or {}
        details = pred.get("runDetails") or {}
        meta = details.get("metadata") or {}
        run_key = vocab.entity_key(meta.get("invocationId") or build.get("buildType") or "slsa-build")
        base = ("training_runs", run_key)
        f.add((*base, "extra", "invocation_id"), meta.get("invocationId"), f"{at}/runDetails/metadata/invocationId")
        f.add((*base, "builder"), (details.get("builder") or {}).get("id"), f"{at}/runDetails/builder/id")
        f.add((*base, "extra", "build_type"), build.get("buildType"), f"{at}/buildDefinition/buildType")
        common.stamp(f, (*base, "started"), meta.get("startedOn"), file, f"{at}/runDetails/metadata/startedOn")
        common.stamp(f, (*base, "ended"), meta.get("finishedOn"), file, f"{at}/runDetails/metadata/finishedOn")
        for k, v in (build.get("externalParameters") or {}).items():
            if isinstance(v, (str, int, float, bool)):
                f.add((*base, "parameters", str(k)), v, f"{at}/buildDefinition/externalParameters/{k}")
        self._materials(f, build.get("resolvedDependencies"), f"{at}/buildDefinition/resolvedDependencies", base, file)
        for key in subjects:
            add_edge(f, f"run:{run_key}", "produces", f"artifact:{key}", f"{at}/runDetails")

    def _slsa_v02(self, f: FactList, pred: dict, at: str, subjects: list[str], file: str) -> None:
        meta = pred.get("metadata") or {}
        run_key = vocab.entity_key(meta.get("buildInvocationId") or pred.get("buildType") or "slsa-build")
        base = ("training_runs", run_key)
        f.add((*base, "extra", "invocation_id"), meta.get("buildInvocationId"), f"{at}/metadata/buildInvocationId")
        f.add((*base, "builder"), (pred.get("builder") or {}).get("id"), f"{at}/builder/id")
        common.stamp(f, (*base, "started"), meta.get("buildStartedOn"), file, f"{at}/metadata/buildStartedOn")
        common.stamp(f, (*base, "ended"), meta.get("buildFinishedOn"), file, f"{at}/metadata/buildFinishedOn")
        self._materials(f, pred.get("materials"), f"{at}/materials", base, file)
        for key in subjects:
            add_edge(f, f"run:{run_key}", "produces", f"artifact:{key}", f"{at}/builder")

    def _materials(self, f: FactList, deps: Any, at: str, base: tuple[str, ...], file: str) -> None:
        for i, dep in enumerate(as_list(deps)):
            if not isinstance(dep, dict):
                continue
            digest = dep.get("digest") or {}
            uri = str(dep.get("uri") or dep.get("name") or "")
            commit = (digest.get("gitCommit") or digest.get("sha1")) if uri.startswith("git+") else None
            if commit:
                f.add((*base, "code_commit"), str(commit), f"{at}/{i}/digest")
                f.add((*base, "code_repo"), uri.removeprefix("git+").split("@")[0] or None, f"{at}/{i}/uri")
            elif uri:
                f.add((*base, "extra", "materials"), [{"uri": uri, **{k: str(v) for k, v in digest.items()}}],
                      f"{at}/{i}", union=True)
