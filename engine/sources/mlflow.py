"""MLflow Model Registry JSON, as returned by its REST API (no ``mlflow`` package needed).

Accepted shapes: the bodies of ``registered-models/get``, ``model-versions/get``,
``model-versions/search`` and ``runs/get``, or one object holding several of them
(``registered_model``, ``model_versions``, ``runs``). When several versions are present the
highest version number is the release; :func:`version_facts` serves one version, so an
inventory can make one document per version.
"""

from __future__ import annotations

import re
from typing import Any

from .. import timeutil
from ..document import vocab
from ..document.facts import FactList
from . import common
from .interface import PRIMARY_MODEL, Loaded, Source, add_edge, as_list

_SEED = re.compile(r"(^|[._-])(seed|random_state|random_seed)$", re.I)
_VERSION_TAGS = {"version", "mlgov.version", "model_version", "semver"}
_NUMBER = re.compile(r"^-?\d+(\.\d+)?([eE][-+]?\d+)?$")
# The tag vocabulary mlgov reads from registered models, versions and dataset inputs: each name bare or
# behind the prefix (default ``mlgov.``, configurable). Dates accept ISO 8601 or epoch milliseconds.
TAG_PREFIX = "mlgov."
_TAG_FIELDS = {"owner": "owner", "team": "team", "risk_tier": "risk_tier", "regulatory_scope": "regulatory_scope",
               "license": "license", "intended_use": "intended_use", "commercial": "commercial",
               "legal_hold": "legal_hold", "legal_hold_reason": "hold_reason", "hold_reason": "hold_reason",
               "retention_class": "retention_class", "retired": "retired", "placed_on_market": "placed_on_market",
               "last_used": "last_used"}
_DATES = ("retired", "placed_on_market", "last_used")
_IN_USE_STAGES = ("production", "staging")


def _tags(items: Any) -> dict[str, tuple[str, int]]:
    """MLflow tags ``[{key, value}]`` -> {key: (value, index)}; a plain dict is accepted too."""
    if isinstance(items, dict):
        return {str(k): (str(v), i) for i, (k, v) in enumerate(items.items())}
    return {str(t["key"]): (str(t.get("value", "")), i) for i, t in enumerate(as_list(items))
            if isinstance(t, dict) and "key" in t}


def _field(key: str, prefix: str) -> str | None:
    """The vocabulary field a tag names, bare or behind the prefix; None for any other tag."""
    k = key.lower()
    if prefix and k.startswith(prefix.lower()):
        k = k[len(prefix):]
    return _TAG_FIELDS.get(k)


def _date(value: str, file: str, at: str) -> dict:
    return timeutil.from_epoch_ms(value, file, at) if value.isdigit() else timeutil.normalize(value, file, at)


def _ms(f: FactList, path: tuple[str, ...], value: Any, file: str, at: str) -> None:
    if value not in (None, "", 0, "0"):
        f.add(path, timeutil.from_epoch_ms(value, file, at), at)


def split(data: dict) -> tuple[dict | None, list[tuple[dict, str]], dict[str, tuple[dict, str]]]:
    """(registered model, [(version, pointer)], {run_id: (run, pointer)}) from any accepted shape."""
    registered = data.get("registered_model")
    versions = [(v, f"/model_versions/{i}") for i, v in enumerate(as_list(data.get("model_versions")))]
    if isinstance(data.get("model_version"), dict):
        versions.append((data["model_version"], "/model_version"))
    if not versions and isinstance(registered, dict):
        versions = [(v, f"/registered_model/latest_versions/{i}")
                    for i, v in enumerate(as_list(registered.get("latest_versions")))]
    runs: dict[str, tuple[dict, str]] = {}
    candidates = [(r, f"/runs/{i}") for i, r in enumerate(as_list(data.get("runs")))]
    if isinstance(data.get("run"), dict):
        candidates.append((data["run"], "/run"))
    for run, at in candidates:
        if isinstance(run, dict) and isinstance(run.get("info"), dict):
            runs[str(run["info"].get("run_id") or run["info"].get("run_uuid"))] = (run, at)
    return registered, [(v, at) for v, at in versions if isinstance(v, dict)], runs


def _param(value: Any) -> Any:
    """MLflow stores every param as a string; numbers become numbers so sources can agree."""
    text = str(value) if value is not None else None
    if text is None or not _NUMBER.match(text):
        return text
    return float(text) if any(c in text for c in ".eE") else int(text)


def _version_number(version: dict) -> tuple[int, str]:
    text = str(version.get("version", ""))
    return (int(text), text) if text.isdigit() else (-1, text)


class MLflowRegistry(Source):
    format = "mlflow"
    description = "MLflow Model Registry REST API responses (JSON)"
    schema = "sources/mlflow"

    def detect(self, loaded: Loaded) -> bool:
        data = loaded.data
        if loaded.syntax != "json" or not isinstance(data, dict):
            return False
        if {"registered_model", "model_versions", "model_version"} & set(data):
            return True
        run = data.get("run")
        return isinstance(run, dict) and isinstance(run.get("info"), dict) and "data" in run

    def facts(self, loaded: Loaded) -> FactList:
        registered, versions, runs = split(loaded.data)
        if versions:
            version, at = max(versions, key=lambda va: _version_number(va[0]))
            return version_facts(registered, version, at, runs, loaded.display)
        f = FactList()
        if registered:
            _registered(f, registered, loaded.display)
        for run_id, (run, at) in runs.items():
            _run(f, run, at, run_id, loaded.display)
        return f


def version_facts(registered: dict | None, version: dict, at: str, runs: dict[str, tuple[dict, str]],
                  file: str, prefix: str = TAG_PREFIX) -> FactList:
    """Facts of one version. The version's own facts come first, the registered model's tags are
    defaults after them: the document builder keeps the first value and records every different
    later one as a conflict, so a version-level fact wins and a disagreement stays visible. A legal
    hold is the exception: a hold at either level wins over a "no hold" at the other."""
    f = FactList()
    vtags = _tags(version.get("tags"))
    rtags = _tags((registered or {}).get("tags"))
    rat = "/registered_model/tags"
    f.add(("model", "name"), version.get("name"), f"{at}/name")
    f.add(("model", "extra", "registry_version"), common.text(version.get("version")), f"{at}/version")
    semver = next(((k, v) for k, v in vtags.items() if k.lower() in _VERSION_TAGS), None)
    if semver:
        f.add(("model", "version"), semver[1][0], f"{at}/tags/{semver[1][1]}/value")
    else:
        f.add(("model", "version"), common.text(version.get("version")), f"{at}/version")
    f.add(("model", "description"), common.text(version.get("description")), f"{at}/description")
    _ms(f, ("retention", "created"), version.get("creation_timestamp"), file, f"{at}/creation_timestamp")
    f.add(("model", "extra", "registered_by"), common.text(version.get("user_id")), f"{at}/user_id")
    _legal_hold(f, [(vtags, f"{at}/tags"), (rtags, rat)], ("retention", "legal_hold"), file, prefix)
    _model_tags(f, {k: v for k, v in vtags.items() if k.lower() not in _VERSION_TAGS}, f"{at}/tags", file, prefix)
    _registry_state(f, registered, version, at, file, prefix, vtags)
    if registered:
        _registered(f, registered, file, prefix)
    f.add(("model", "uri"), common.text(version.get("source")), f"{at}/source")
    run_id = version.get("run_id")
    if run_id:
        key = vocab.entity_key(str(run_id))
        add_edge(f, f"run:{key}", "produces", PRIMARY_MODEL, f"{at}/run_id")
        if str(run_id) in runs:
            run, rat = runs[str(run_id)]
            _run(f, run, rat, str(run_id), file, prefix)
    return f


def _registry_state(f: FactList, registered: dict | None, version: dict, at: str, file: str, prefix: str,
                    vtags: dict[str, tuple[str, int]]) -> None:
    """Aliases (on the version, or on the registered model as ``[{alias, version}]``: only
    registered-models/get|search and model-versions/get return them) and the stage. An alias or
    stage Production/Staging means in use; stage Archived means retired, dated by
    ``last_updated_timestamp`` (the transition time, or later if the version changed since: a
    later date only lengthens retention) unless a ``retired`` tag states the date."""
    aliases = [(str(a), f"{at}/aliases/{i}") for i, a in enumerate(as_list(version.get("aliases")))]
    number = str(version.get("version"))
    for i, a in enumerate(as_list((registered or {}).get("aliases"))):
        if isinstance(a, dict) and str(a.get("version")) == number and a.get("alias"):
            aliases.append((str(a["alias"]), f"/registered_model/aliases/{i}/alias"))
    for alias, p in aliases:
        f.add(("model", "extra", "aliases"), [alias], p, union=True)
        f.add(("retention", "in_use"), [f"alias {alias}"], p, union=True)
    stage = version.get("current_stage")
    f.add(("model", "extra", "stage"), stage, f"{at}/current_stage")
    f.add(("model", "extra", "status"), version.get("status"), f"{at}/status")
    if isinstance(stage, str) and stage.lower() in _IN_USE_STAGES:
        f.add(("retention", "in_use"), [f"stage {stage}"], f"{at}/current_stage", union=True)
    elif isinstance(stage, str) and stage.lower() == "archived":
        tagged = any(_field(k, prefix) == "retired" for k in vtags)
        if not tagged:
            _ms(f, ("retention", "retired"), version.get("last_updated_timestamp"), file,
                f"{at}/last_updated_timestamp")


def _registered(f: FactList, reg: dict, file: str, prefix: str = TAG_PREFIX) -> None:
    f.add(("model", "name"), reg.get("name"), "/registered_model/name")
    f.add(("model", "description"), common.text(reg.get("description")), "/registered_model/description")
    _model_tags(f, _tags(reg.get("tags")), "/registered_model/tags", file, prefix)


def _legal_hold(f: FactList, levels: list[tuple[dict[str, tuple[str, int]], str]], path: tuple[str, ...],
                file: str, prefix: str) -> None:
    """A hold at any level wins: active holds are added first (the builder keeps the first value),
    so a "false" elsewhere becomes a recorded conflict, never the answer. The reason comes from the
    level that holds."""
    holds = []
    for tags, at in levels:
        fields = {_field(k, prefix): (v, i) for k, (v, i) in tags.items()}
        if "legal_hold" in fields:
            value, i = fields["legal_hold"]
            reason = fields.get("hold_reason")
            holds.append((vocab.boolean(value, file, f"{at}/{i}/value"), f"{at}/{i}/value",
                          (reason[0], f"{at}/{reason[1]}/value") if reason else None))
    holds.sort(key=lambda h: not h[0])
    for active, p, reason in holds:
        f.add((*path, "active"), active, p)
        if active and reason:
            f.add((*path, "reason"), reason[0], reason[1])


def _model_tags(f: FactList, tags: dict[str, tuple[str, int]], at: str, file: str, prefix: str = TAG_PREFIX) -> None:
    for key, (value, i) in tags.items():
        field = _field(key, prefix)
        p = f"{at}/{i}/value"
        if field == "owner":
            common.person(f, ("model", "owner"), value, p)
        elif field == "team":
            f.add(("model", "owner", "team"), value, p)
        elif field == "risk_tier":
            f.add(("model", "risk_tier"), vocab.risk_tier(value, file, p), p)
        elif field == "regulatory_scope":
            f.add(("model", "regulatory_scope"),
                  [vocab.regime(r, file, p) for r in value.split(",") if r.strip()], p, union=True)
        elif field == "license":
            common.license_(f, ("model", "license"), value, p)
        elif field == "intended_use":
            f.add(("model", "intended_use", "description"), value, p)
        elif field == "commercial":
            f.add(("model", "intended_use", "commercial"), vocab.boolean(value, file, p), p)
        elif field == "retention_class":
            f.add(("retention", "retention_class"), value, p)
        elif field in _DATES:
            f.add(("retention", field), _date(value, file, p), p)
        elif field in ("legal_hold", "hold_reason"):
            continue  # read by _legal_hold, across levels
        elif not key.startswith("mlflow."):
            f.add(("model", "extra", "tags", key), value, p)


def _run(f: FactList, run: dict, at: str, run_id: str, file: str, prefix: str = TAG_PREFIX) -> None:
    key = vocab.entity_key(run_id)
    base = ("training_runs", key)
    info = run.get("info") or {}
    f.add((*base, "name"), info.get("run_name") or run_id, f"{at}/info/run_name")
    if info.get("status"):
        f.add((*base, "status"), vocab.run_status(info["status"]), f"{at}/info/status")
    _ms(f, (*base, "started"), info.get("start_time"), file, f"{at}/info/start_time")
    _ms(f, (*base, "ended"), info.get("end_time"), file, f"{at}/info/end_time")
    if info.get("user_id"):
        f.add((*base, "trained_by", "id"), str(info["user_id"]), f"{at}/info/user_id")
    data = run.get("data") or {}
    for i, p in enumerate(as_list(data.get("params"))):
        if isinstance(p, dict) and "key" in p:
            value = _param(p.get("value"))
            f.add((*base, "parameters", str(p["key"])), value, f"{at}/data/params/{i}/value")
            if _SEED.search(str(p["key"])):
                seed = int(value) if str(value).lstrip("-").isdigit() else str(value)
                f.add((*base, "seeds", str(p["key"])), seed, f"{at}/data/params/{i}/value")
    for i, m in enumerate(as_list(data.get("metrics"))):
        if isinstance(m, dict) and "key" in m and isinstance(m.get("value"), (int, float)):
            f.add((*base, "metrics", str(m["key"])), m["value"], f"{at}/data/metrics/{i}/value")
    tags = _tags(data.get("tags"))
    for tag, field in (("mlflow.source.git.commit", "code_commit"), ("mlflow.source.git.repoURL", "code_repo"),
                       ("mlflow.source.name", "entry_point")):
        if tag in tags:
            f.add((*base, field), tags[tag][0], f"{at}/data/tags/{tags[tag][1]}/value")
    if "mlflow.user" in tags and not info.get("user_id"):
        f.add((*base, "trained_by", "id"), tags["mlflow.user"][0], f"{at}/data/tags/{tags['mlflow.user'][1]}/value")
    for i, di in enumerate(as_list((run.get("inputs") or {}).get("dataset_inputs"))):
        ds = (di or {}).get("dataset") or {}
        if not ds.get("name"):
            continue
        dat = f"{at}/inputs/dataset_inputs/{i}"
        dkey = vocab.entity_key(ds["name"])
        context = _tags(di.get("tags")).get("mlflow.data.context", ("training", 0))[0].lower()
        role = "training" if context in ("train", "training") else "evaluation"
        f.add(("datasets", dkey, "name"), ds["name"], f"{dat}/dataset/name")
        f.add(("datasets", dkey, "roles"), [role], f"{dat}/tags", union=True)
        f.add(("datasets", dkey, "extra", "mlflow_digest"), ds.get("digest"), f"{dat}/dataset/digest")
        f.add(("datasets", dkey, "extra", "mlflow_source_type"), ds.get("source_type"), f"{dat}/dataset/source_type")
        input_tags = _tags(di.get("tags"))
        _legal_hold(f, [(input_tags, f"{dat}/tags")], ("datasets", dkey, "legal_hold"), file, prefix)
        for tag, (value, ti) in input_tags.items():
            if _field(tag, prefix) == "retention_class":
                f.add(("datasets", dkey, "retention_class"), value, f"{dat}/tags/{ti}/value")
        if role == "training":
            f.add((*base, "datasets"), [dkey], f"{dat}/dataset/name", union=True)
            add_edge(f, f"dataset:{dkey}", "input_to", f"run:{key}", dat)
        else:
            add_edge(f, f"dataset:{dkey}", "evaluates", PRIMARY_MODEL, dat)
