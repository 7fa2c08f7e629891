"""Release bundle: a directory whose ``mlgov.yaml`` lists artifacts, metadata and approvals.

Every listed file is hashed. A path that leaves the bundle (absolute, ``..``, or a symlink
resolving outside the bundle root) is refused before anything is opened.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Any

from ..document import vocab
from ..document.facts import FactList, SourceRef
from ..document.schema import validate
from ..errors import InputError
from ..safeio import clean_display, sha256_file
from . import common
from .bundle_governance import governance_facts
from .interface import PRIMARY_MODEL, Loaded, add_edge, check_limits, ptr
from .loader import load

MANIFEST_NAMES = ("mlgov.yaml", "mlgov.yml")
FORMAT = "mlgov-bundle"
_TRAINING_ROLES = {"training", "fine-tuning", "pretraining"}
_EVAL_ROLES = {"validation", "test", "evaluation"}
_NODE_KINDS = ("model", "dataset", "feature", "run", "deployment", "artifact")
MAX_BUNDLE_FILES = 10_000
"""Files one manifest may list (artifacts, datasets, metadata): each is opened and hashed."""
COUNTED_LISTS = ("artifacts", "datasets", "metadata", "training", "evaluations", "approvals", "components", "features",
          "deployments", "lineage")


def is_manifest(loaded: Loaded) -> bool:
    data = loaded.data
    return isinstance(data, dict) and data.get("kind") == "ReleaseBundle" and str(
        data.get("apiVersion", "")).startswith("mlgov.dev/")


def find_manifest(root: Path) -> Path:
    for name in MANIFEST_NAMES:
        if (root / name).is_file():
            return root / name
    raise InputError(str(root), f"not a release bundle: no {' or '.join(MANIFEST_NAMES)} in the directory")


def inside(root: Path, rel: str, manifest: str, pointer: str) -> Path:
    """Resolve ``rel`` under ``root``, refusing anything that would leave the bundle."""
    if "\0" in rel:
        raise InputError(manifest, f"path {clean_display(rel)!r} contains a NUL byte", pointer)
    pure = PurePosixPath(rel.replace("\\", "/"))
    if pure.is_absolute() or re.match(r"^[A-Za-z]:", rel):
        raise InputError(manifest, f"absolute path {rel!r} is not allowed in a bundle", pointer)
    if ".." in pure.parts:
        raise InputError(manifest, f"path {rel!r} leaves the bundle ('..')", pointer)
    base = root.resolve()
    target = (base / pure).resolve()
    if not target.is_relative_to(base):
        raise InputError(manifest, f"path {rel!r} resolves outside the bundle (symlink)", pointer)
    return target


def read_bundle(root: Path, label: str | None = None) -> list[tuple[SourceRef, FactList]]:
    """Every (source, facts) pair of one bundle, in merge priority order."""
    from .registry import detect  # registry lists file formats; the bundle sits above them

    shown_root = label or str(root)
    manifest_path = find_manifest(root)
    loaded = load(manifest_path, f"{shown_root.rstrip('/')}/{manifest_path.name}")
    display = loaded.display
    if not isinstance(loaded.data, dict) or not is_manifest(loaded):
        raise InputError(display, "not an mlgov release manifest (needs apiVersion: mlgov.dev/v1, kind: ReleaseBundle)")
    _check_size(loaded.data, display)
    validate(loaded.data, "bundle-manifest", display)
    manifest: dict[str, Any] = loaded.data

    def shown(rel: str) -> str:
        return f"{shown_root.rstrip('/')}/{PurePosixPath(rel)}"

    out: list[tuple[SourceRef, FactList]] = []
    facts = manifest_facts(manifest, display)
    check_limits(facts, display)
    out.append((SourceRef(display, FORMAT, loaded.raw.sha256), facts))

    # Hash every listed file; a declared digest must match the bytes.
    for kind, entries in (("artifacts", manifest.get("artifacts", [])), ("datasets", manifest.get("datasets", []))):
        for i, entry in enumerate(entries):
            if "path" not in entry:
                continue
            at = ptr(kind, i, "path")
            path = inside(root, entry["path"], display, at)
            hex_, size = sha256_file(path, shown(entry["path"]))
            declared = entry.get("digest")
            if declared and vocab.sha256_hex(declared, display, ptr(kind, i, "digest")) != hex_:
                raise InputError(display, f"declared digest does not match {entry['path']} (file has sha256:{hex_})",
                                 ptr(kind, i, "digest"))
            file_facts = FactList()
            if kind == "artifacts":
                key = _artifact_key(entry)
                file_facts.add(("subjects", key, "digest"), {"sha256": hex_}, "sha256 of file bytes")
                file_facts.add(("subjects", key, "size_bytes"), size, "file size")
            else:
                key = vocab.entity_key(entry["name"])
                file_facts.add(("datasets", key, "digest"), {"sha256": hex_}, "sha256 of file bytes")
            out.append((SourceRef(shown(entry["path"]), "file", hex_), file_facts))

    for i, entry in enumerate(manifest.get("metadata", [])):
        rel, forced = (entry, None) if isinstance(entry, str) else (entry["path"], entry.get("format"))
        at = ptr("metadata", i)
        meta = load(inside(root, rel, display, at), shown(rel))
        source = detect(meta, forced, display, at)
        out.append((SourceRef(meta.display, source.format, meta.raw.sha256), source.read(meta)))

    docs = manifest.get("documentation", {})
    if "model_card" in docs:
        from .hf_card import HuggingFaceCard

        card = load(inside(root, docs["model_card"], display, "/documentation/model_card"), shown(docs["model_card"]))
        if card.syntax != "markdown":
            raise InputError(card.display, "model card must be a Markdown file")
        out.append((SourceRef(card.display, HuggingFaceCard.format, card.raw.sha256), HuggingFaceCard().read(card)))
    if "pccp" in docs:
        pccp = load(inside(root, docs["pccp"], display, "/documentation/pccp"), shown(docs["pccp"]))
        pccp_facts = FactList()
        pccp_facts.add(("documentation", "pccp", "present"), True, "file exists")
        pccp_facts.add(("documentation", "pccp", "source"), pccp.display, "file exists")
        pccp_facts.add(("documentation", "pccp", "summary"), " ".join(pccp.raw.text().split())[:500], "line 1")
        out.append((SourceRef(pccp.display, "document", pccp.raw.sha256), pccp_facts))
    return out


def _check_size(manifest: dict, display: str) -> None:
    """Refuse a manifest listing more than MAX_BUNDLE_FILES entries before anything is validated."""
    total = 0
    for name in COUNTED_LISTS:
        items = manifest.get(name)
        if isinstance(items, list):
            total += len(items)
            if total > MAX_BUNDLE_FILES:
                raise InputError(display, f"lists more than {MAX_BUNDLE_FILES} entries (the limit per bundle)",
                                 f"/{name}")


def _artifact_key(entry: dict) -> str:
    return vocab.entity_key(entry.get("name") or PurePosixPath(entry["path"]).name)


def manifest_facts(m: dict[str, Any], file: str) -> FactList:
    """Facts stated by the manifest itself (already schema-valid)."""
    f = FactList()
    _model(f, m["model"], file)
    run_datasets: set[str] = set()
    for i, run in enumerate(m.get("training", [])):
        run_datasets |= _training(f, run, ptr("training", i), file)
    # datasets that reach a run through a feature set are not also direct training inputs
    used_features = {vocab.entity_key(x) for run in m.get("training", []) for x in run.get("features", [])}
    for feat in m.get("features", []):
        if vocab.entity_key(feat["name"]) in used_features:
            run_datasets |= {vocab.entity_key(d) for d in feat.get("datasets", [])}
    for i, ds in enumerate(m.get("datasets", [])):
        _dataset(f, ds, ptr("datasets", i), file, run_datasets)
    for i, art in enumerate(m.get("artifacts", [])):
        at = ptr("artifacts", i)
        key = _artifact_key(art)
        base = ("subjects", key)
        f.add((*base, "kind"), art["kind"], f"{at}/kind")
        f.add((*base, "name"), art.get("name") or PurePosixPath(art["path"]).name, at)
        for field in ("uri", "media_type", "retention_class"):
            f.add((*base, field), art.get(field), f"{at}/{field}")
        f.add((*base, "version"), _str(art.get("version")), f"{at}/version")
        f.add((*base, "path"), art.get("path"), f"{at}/path")
        common.digest(f, (*base, "digest"), art.get("digest"), file, f"{at}/digest")
        if art["kind"] in ("model", "container"):
            add_edge(f, PRIMARY_MODEL, "packaged_as", f"artifact:{key}", at)
    for i, comp in enumerate(m.get("components", [])):
        at = ptr("components", i)
        base = ("components", vocab.entity_key(comp["name"]))
        f.add((*base, "name"), comp["name"], f"{at}/name")
        f.add((*base, "version"), _str(comp.get("version")), f"{at}/version")
        for field in ("type", "purl", "supplier"):
            f.add((*base, field), comp.get(field), f"{at}/{field}")
        common.license_(f, (*base, "license"), comp.get("license"), f"{at}/license")
        common.digest(f, (*base, "digest"), comp.get("digest"), file, f"{at}/digest")
    for i, feat in enumerate(m.get("features", [])):
        at = ptr("features", i)
        key = vocab.entity_key(feat["name"])
        f.add(("features", key, "name"), feat["name"], f"{at}/name")
        f.add(("features", key, "description"), feat.get("description"), f"{at}/description")
        f.add(("features", key, "version"), _str(feat.get("version")), f"{at}/version")
        for j, ds in enumerate(feat.get("datasets", [])):
            f.add(("features", key, "datasets"), [vocab.entity_key(ds)], f"{at}/datasets/{j}", union=True)
            add_edge(f, f"dataset:{vocab.entity_key(ds)}", "feeds", f"feature:{key}", f"{at}/datasets/{j}")
    for i, ev in enumerate(m.get("evaluations", [])):
        _evaluation(f, ev, ptr("evaluations", i), file)
    for i, ap in enumerate(m.get("approvals", [])):
        _approval(f, ap, ptr("approvals", i), file)
    for i, dep in enumerate(m.get("deployments", [])):
        at = ptr("deployments", i)
        base = ("deployments", vocab.entity_key(dep["id"]))
        for field in ("environment", "target", "status"):
            f.add((*base, field), dep.get(field), f"{at}/{field}")
        common.stamp(f, (*base, "timestamp"), dep.get("timestamp"), file, f"{at}/timestamp")
        common.stamp(f, (*base, "retired"), dep.get("retired"), file, f"{at}/retired")
        common.digest(f, (*base, "artifact_digest"), dep.get("artifact_digest"), file, f"{at}/artifact_digest")
        add_edge(f, PRIMARY_MODEL, "deployed_as", f"deployment:{base[1]}", at)
    _monitoring(f, m.get("monitoring", {}), file)
    docs = m.get("documentation", {})
    for name, url in docs.get("links", {}).items():
        f.add(("documentation", "links", name), url, ptr("documentation", "links", name))
    _retention(f, m.get("retention", {}), file)
    governance_facts(f, m, file)
    _licenses(f, m.get("licenses", []))
    for i, edge in enumerate(m.get("lineage", [])):
        at = ptr("lineage", i)
        add_edge(f, _node(edge["from"], file, f"{at}/from"), edge["type"], _node(edge["to"], file, f"{at}/to"), at)
    return f


def _model(f: FactList, model: dict, file: str) -> None:
    at = "/model"
    f.add(("model", "name"), model["name"], f"{at}/name")
    f.add(("model", "version"), _str(model.get("version")), f"{at}/version")
    for field in ("description", "license", "task", "framework", "architecture", "uri"):
        value = model.get(field)
        if field == "license":
            common.license_(f, ("model", "license"), value, f"{at}/license")
        else:
            f.add(("model", field), value, f"{at}/{field}")
    common.person(f, ("model", "owner"), model.get("owner"), f"{at}/owner")
    for i, dev in enumerate(model.get("developers", [])):
        f.add(("model", "developers"), [common.person_dict(dev)], f"{at}/developers/{i}", union=True)
    use = model.get("intended_use", {})
    for field in ("description", "domain"):
        f.add(("model", "intended_use", field), use.get(field), f"{at}/intended_use/{field}")
    if "commercial" in use:
        f.add(("model", "intended_use", "commercial"),
              vocab.boolean(use["commercial"], file, f"{at}/intended_use/commercial"), f"{at}/intended_use/commercial")
    for field in ("users", "out_of_scope"):
        f.add(("model", "intended_use", field), use.get(field), f"{at}/intended_use/{field}", union=True)
    if "risk_tier" in model:
        f.add(("model", "risk_tier"), vocab.risk_tier(model["risk_tier"], file, f"{at}/risk_tier"), f"{at}/risk_tier")
    for i, reg in enumerate(model.get("regulatory_scope", [])):
        p = f"{at}/regulatory_scope/{i}"
        f.add(("model", "regulatory_scope"), [vocab.regime(reg, file, p)], p, union=True)
    # base_models may list a whole ancestry; the direct bases are those no other entry derives from
    ancestors = {vocab.entity_key(a) for bm in model.get("base_models", []) for a in bm.get("derived_from", [])}
    for i, bm in enumerate(model.get("base_models", [])):
        p = f"{at}/base_models/{i}"
        key = vocab.entity_key(bm["name"])
        base = ("model", "base_models", key)
        f.add((*base, "name"), bm["name"], f"{p}/name")
        f.add((*base, "version"), _str(bm.get("version")), f"{p}/version")
        common.license_(f, (*base, "license"), bm.get("license"), f"{p}/license")
        f.add((*base, "uri"), bm.get("uri"), f"{p}/uri")
        f.add((*base, "supplier"), bm.get("supplier"), f"{p}/supplier")
        common.digest(f, (*base, "digest"), bm.get("digest"), file, f"{p}/digest")
        if key not in ancestors:
            add_edge(f, f"model:{key}", "base_of", PRIMARY_MODEL, p)
        for j, ds in enumerate(bm.get("trained_on", [])):
            dkey = vocab.entity_key(ds)
            f.add(("datasets", dkey, "name"), ds, f"{p}/trained_on/{j}")
            add_edge(f, f"dataset:{dkey}", "trains", f"model:{key}", f"{p}/trained_on/{j}")
        for j, parent in enumerate(bm.get("derived_from", [])):
            add_edge(f, f"model:{vocab.entity_key(parent)}", "base_of", f"model:{key}", f"{p}/derived_from/{j}")


def _training(f: FactList, run: dict, at: str, file: str) -> set[str]:
    key = vocab.entity_key(run["id"])
    base = ("training_runs", key)
    for field in ("name", "code_repo", "code_commit", "entry_point"):
        f.add((*base, field), _str(run.get(field)), f"{at}/{field}")
    if run.get("status"):
        f.add((*base, "status"), vocab.run_status(run["status"], file, f"{at}/status"), f"{at}/status")
    for k, v in run.get("parameters", {}).items():
        f.add((*base, "parameters", str(k)), v, f"{at}/parameters/{k}")
    for k, v in run.get("seeds", {}).items():
        f.add((*base, "seeds", str(k)), v, f"{at}/seeds/{k}")
    env = run.get("environment", {})
    for field in ("python", "os", "hardware", "container_image"):
        f.add((*base, "environment", field), _str(env.get(field)), f"{at}/environment/{field}")
    for k, v in env.get("packages", {}).items():
        f.add((*base, "environment", "packages", str(k)), str(v), f"{at}/environment/packages/{k}")
    for k, v in run.get("data_checksums", {}).items():
        common.digest(f, (*base, "data_checksums", vocab.entity_key(k)), v, file, f"{at}/data_checksums/{k}")
    common.stamp(f, (*base, "started"), run.get("started"), file, f"{at}/started")
    common.stamp(f, (*base, "ended"), run.get("ended"), file, f"{at}/ended")
    common.person(f, (*base, "trained_by"), run.get("trained_by"), f"{at}/trained_by")
    used: set[str] = set()
    for j, ds in enumerate(run.get("datasets", [])):
        dkey = vocab.entity_key(ds)
        used.add(dkey)
        f.add((*base, "datasets"), [dkey], f"{at}/datasets/{j}", union=True)
        add_edge(f, f"dataset:{dkey}", "input_to", f"run:{key}", f"{at}/datasets/{j}")
    for j, feat in enumerate(run.get("features", [])):
        add_edge(f, f"feature:{vocab.entity_key(feat)}", "input_to", f"run:{key}", f"{at}/features/{j}")
    if run.get("base_model"):
        bkey = vocab.entity_key(run["base_model"])
        f.add((*base, "base_model"), bkey, f"{at}/base_model")
        add_edge(f, f"model:{bkey}", "input_to", f"run:{key}", f"{at}/base_model")
    add_edge(f, f"run:{key}", "produces", PRIMARY_MODEL, at)
    return used


def _dataset(f: FactList, ds: dict, at: str, file: str, run_datasets: set[str]) -> None:
    key = vocab.entity_key(ds["name"])
    base = ("datasets", key)
    f.add((*base, "name"), ds["name"], f"{at}/name")
    f.add((*base, "version"), _str(ds.get("version")), f"{at}/version")
    for field in ("description", "source", "uri", "lawful_basis", "retention_class", "consent"):
        f.add((*base, field), ds.get(field), f"{at}/{field}")
    common.license_(f, (*base, "license"), ds.get("license"), f"{at}/license")
    common.digest(f, (*base, "digest"), ds.get("digest"), file, f"{at}/digest")
    for field in ("personal_data", "sensitive_data", "transformed"):
        if field in ds:
            f.add((*base, field), vocab.boolean(ds[field], file, f"{at}/{field}"), f"{at}/{field}")
    f.add((*base, "records"), ds.get("records"), f"{at}/records")
    roles = [vocab.choice(r, vocab.DATASET_ROLES, "dataset role", file, f"{at}/roles/{j}")
             for j, r in enumerate(ds.get("roles", []))]
    f.add((*base, "roles"), roles, f"{at}/roles", union=True)
    if key not in run_datasets:
        if _TRAINING_ROLES & set(roles):
            add_edge(f, f"dataset:{key}", "trains", PRIMARY_MODEL, f"{at}/roles")
        elif _EVAL_ROLES & set(roles):
            add_edge(f, f"dataset:{key}", "evaluates", PRIMARY_MODEL, f"{at}/roles")


def _evaluation(f: FactList, ev: dict, at: str, file: str) -> None:
    key = vocab.entity_key(ev["id"])
    base = ("evaluations", key)
    if ev.get("dataset"):
        dkey = vocab.entity_key(ev["dataset"])
        f.add((*base, "dataset"), dkey, f"{at}/dataset")
        add_edge(f, f"dataset:{dkey}", "evaluates", PRIMARY_MODEL, f"{at}/dataset")
    f.add((*base, "task"), ev.get("task"), f"{at}/task")
    common.stamp(f, (*base, "timestamp"), ev.get("timestamp"), file, f"{at}/timestamp")
    common.person(f, (*base, "performed_by"), ev.get("performed_by"), f"{at}/performed_by")
    for j, metric in enumerate(ev.get("metrics", [])):
        p = f"{at}/metrics/{j}"
        mkey = vocab.entity_key(metric["name"])
        mbase = (*base, "metrics", mkey)
        f.add((*mbase, "name"), metric["name"], f"{p}/name")
        for field in ("value", "threshold", "operator", "higher_is_better", "baseline", "champion",
                      "tolerance", "slice", "unit"):
            f.add((*mbase, field), metric.get(field), f"{p}/{field}")


def _approval(f: FactList, ap: dict, at: str, file: str) -> None:
    when = common.text(ap.get("timestamp"))
    approver = ap["approver"]
    who = approver.get("name") or approver.get("email") if isinstance(approver, dict) else str(approver)
    key = vocab.entity_key(ap.get("id") or f"{vocab.role(ap['role'])} {who} {when}")
    base = ("approvals", key)
    common.person(f, (*base, "approver"), approver, f"{at}/approver")
    f.add((*base, "role"), vocab.role(ap["role"]), f"{at}/role")
    f.add((*base, "decision"), vocab.decision(ap["decision"], file, f"{at}/decision"), f"{at}/decision")
    common.stamp(f, (*base, "timestamp"), ap.get("timestamp"), file, f"{at}/timestamp")
    common.stamp(f, (*base, "expires"), ap.get("expires"), file, f"{at}/expires")
    common.digest(f, (*base, "artifact_digest"), ap.get("artifact_digest"), file, f"{at}/artifact_digest")
    f.add((*base, "comment"), ap.get("comment"), f"{at}/comment")
    f.add((*base, "conditions"), ap.get("conditions"), f"{at}/conditions")
    f.add((*base, "signature"), ap.get("signature"), f"{at}/signature")


def _monitoring(f: FactList, mon: dict, file: str) -> None:
    for i, item in enumerate(mon.get("plan", [])):
        at = ptr("monitoring", "plan", i)
        key = vocab.entity_key(item["metric"])
        base = ("monitoring", "plan", key)
        f.add((*base, "metric"), item["metric"], f"{at}/metric")
        for field in ("threshold", "operator", "frequency", "kind"):
            f.add((*base, field), item.get(field), f"{at}/{field}")
        common.person(f, (*base, "owner"), item.get("owner"), f"{at}/owner")
    for i, item in enumerate(mon.get("evidence", [])):
        at = ptr("monitoring", "evidence", i)
        observed = common.text(item.get("observed"))
        base = ("monitoring", "evidence", vocab.entity_key(f"{item['metric']} {observed}"))
        f.add((*base, "metric"), item["metric"], f"{at}/metric")
        for field in ("value", "threshold", "operator", "window", "deployment"):
            f.add((*base, field), item.get(field), f"{at}/{field}")
        common.stamp(f, (*base, "observed"), item.get("observed"), file, f"{at}/observed")


def _retention(f: FactList, ret: dict, file: str) -> None:
    at = "/retention"
    for field in ("created", "last_used", "placed_on_market", "retired", "personal_data_purpose_ended"):
        common.stamp(f, ("retention", field), ret.get(field), file, f"{at}/{field}")
    f.add(("retention", "retention_class"), ret.get("retention_class"), f"{at}/retention_class")
    hold = ret.get("legal_hold")
    if hold is not None:
        p = f"{at}/legal_hold"
        f.add(("retention", "legal_hold", "active"), vocab.boolean(hold["active"], file, f"{p}/active"), f"{p}/active")
        for field in ("reason", "placed_by"):
            f.add(("retention", "legal_hold", field), hold.get(field), f"{p}/{field}")
        common.stamp(f, ("retention", "legal_hold", "since"), hold.get("since"), file, f"{p}/since")
        common.stamp(f, ("retention", "legal_hold", "until"), hold.get("until"), file, f"{p}/until")


def _licenses(f: FactList, entries: list) -> None:
    """The organisation's own LicenseRefs: name, text, link, and the terms it declares for them."""
    for i, lic in enumerate(entries):
        at = ptr("licenses", i)
        ref = common.license_ref(lic["id"])
        common.license_text(f, ref, name=(lic.get("name"), f"{at}/name"), text=(lic.get("text"), f"{at}/text"),
                            url=(lic.get("url"), f"{at}/url"))
        if "terms" in lic:  # an empty list is a declaration too: reviewed, nothing restrictive
            f.add(("licenses", ref, "terms_declared"), True, f"{at}/terms")
            f.add(("licenses", ref, "terms"), sorted(set(lic["terms"])), f"{at}/terms")


def _node(ref: str, file: str, pointer: str) -> str:
    if ref.strip().lower() in ("model", PRIMARY_MODEL):
        return PRIMARY_MODEL
    kind, sep, name = ref.partition(":")
    if not sep or kind.strip().lower() not in _NODE_KINDS or not name.strip():
        raise InputError(file, f"lineage node {ref!r} must be KIND:NAME with KIND one of {', '.join(_NODE_KINDS)}",
                         pointer)
    return f"{kind.strip().lower()}:{vocab.entity_key(name)}"


def _str(value: Any) -> str | None:
    return None if value is None else str(value)

