"""CycloneDX 1.5/1.6 ML-BOM (JSON): the model component with its modelCard, data components
for datasets, licenses, hashes, pedigree ancestors (base models) and dependencies.

``cyclonedx-python-lib`` does not model ``modelCard`` or ``data`` yet, so the JSON is read
directly; field names follow the published CycloneDX 1.6 JSON schema.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ..document import vocab
from ..document.facts import FactList
from ..errors import InputError
from . import common
from .interface import PRIMARY_MODEL, Loaded, Source, add_edge, as_list, ptr

SPEC_VERSIONS = ("1.5", "1.6", "1.7")
_SUBJECT_KIND = {"container": "container", "application": "code", "library": "code", "framework": "code",
                 "file": "other", "data": "dataset", "machine-learning-model": "model"}


def _components(items: Any, at: str) -> Iterator[tuple[dict, str]]:
    for i, comp in enumerate(as_list(items)):
        if isinstance(comp, dict):
            here = f"{at}/{i}"
            yield comp, here
            yield from _components(comp.get("components"), f"{here}/components")


def _explain_licence_error(exc: InputError) -> InputError:
    """The CycloneDX schema's ``oneOf`` failures about licences, said in words."""
    pointer = exc.pointer or ""
    if "/licenses" not in pointer:
        return exc
    if pointer.endswith("/license"):
        why = "a licence names either an SPDX licence `id` or a `name` (one of the two, not both, not neither)"
    elif pointer.endswith("/licenses"):
        why = ("`licenses` is either a list of `{license: {id or name}}` entries or a list holding one "
               "`{expression: SPDX expression}`; the two forms cannot be mixed")
    else:
        why = "a licence entry is `{license: {id or name, ...}}` or `{expression: SPDX expression}`"
    return InputError(exc.file, why, pointer)


def _is_dataset(comp: dict) -> bool:
    """A ``data`` component is a dataset unless every entry of its ``data`` says it is something
    else (``configuration``, ``source-code``, ``definition``, ``other``: CycloneDX 1.6 data types)."""
    kinds = [d.get("type") for d in as_list(comp.get("data")) if isinstance(d, dict)]
    return not kinds or any(k in (None, "dataset") for k in kinds)


def license_of(comp: dict) -> tuple[str | None, str]:
    """SPDX expression for a component's licenses, and where it was read."""
    parts, at = [], "/licenses"
    for i, entry in enumerate(as_list(comp.get("licenses"))):
        if not isinstance(entry, dict):
            continue
        if entry.get("expression"):
            parts.append(str(entry["expression"]))
            at = f"/licenses/{i}/expression"
        elif isinstance(entry.get("license"), dict):
            lic = entry["license"]
            if lic.get("id"):
                parts.append(str(lic["id"]))
                at = f"/licenses/{i}/license/id"
            elif lic.get("name"):
                parts.append(common.license_ref(lic["name"]))
                at = f"/licenses/{i}/license/name"
    if not parts:
        return None, at
    expr = parts[0] if len(parts) == 1 else " AND ".join(f"({p})" if " " in p else p for p in parts)
    return vocab.license_expression(expr), at


def license_texts(f: FactList, comp: dict, at: str) -> None:
    """A license given by name (not an SPDX id) is kept as its LicenseRef with its text and URL."""
    for i, entry in enumerate(as_list(comp.get("licenses"))):
        lic = entry.get("license") if isinstance(entry, dict) else None
        if not isinstance(lic, dict) or lic.get("id") or not lic.get("name"):
            continue
        lat = f"{at}/licenses/{i}/license"
        body = lic.get("text") if isinstance(lic.get("text"), dict) else {}
        content = body.get("content")
        if isinstance(content, str) and str(body.get("encoding", "")).lower() == "base64":
            content = _base64_text(content)
        common.license_text(f, common.license_ref(lic["name"]), name=(str(lic["name"]), f"{lat}/name"),
                            text=(content, f"{lat}/text/content"), url=(lic.get("url"), f"{lat}/url"))


def _base64_text(content: str) -> str | None:
    import base64
    import binascii

    try:
        return base64.b64decode(content[: common.MAX_LICENSE_TEXT * 2], validate=False).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return None


def sha256_of(comp: dict) -> tuple[str | None, str]:
    for i, h in enumerate(as_list(comp.get("hashes"))):
        if isinstance(h, dict) and str(h.get("alg", "")).upper().replace("_", "-") == "SHA-256":
            return h.get("content"), f"/hashes/{i}/content"
    return None, "/hashes"


class CycloneDX(Source):
    format = "cyclonedx"
    description = "CycloneDX 1.5/1.6 ML-BOM (JSON)"

    def detect(self, loaded: Loaded) -> bool:
        return loaded.syntax == "json" and isinstance(loaded.data, dict) and loaded.data.get("bomFormat") == "CycloneDX"

    def read(self, loaded: Loaded) -> FactList:
        try:
            return super().read(loaded)
        except InputError as exc:
            raise _explain_licence_error(exc) from None

    def schema_for(self, loaded: Loaded) -> str:
        """The published CycloneDX schema of the BOM's own specVersion."""
        version = str(loaded.data.get("specVersion", ""))
        if version not in SPEC_VERSIONS:
            raise InputError(loaded.display, f"unsupported CycloneDX specVersion {version!r} "
                                             f"(supported: {', '.join(SPEC_VERSIONS)})", "/specVersion")
        return f"cyclonedx/bom-{version}.SNAPSHOT"

    def facts(self, loaded: Loaded) -> FactList:
        bom, file = loaded.data, loaded.display
        f = FactList()
        comps = list(_components(bom.get("components"), "/components"))
        meta = bom.get("metadata") or {}
        if isinstance(meta.get("component"), dict):
            comps.insert(0, (meta["component"], "/metadata/component"))
        by_ref = {c.get("bom-ref"): (c, at) for c, at in comps if c.get("bom-ref")}
        models = [(c, at) for c, at in comps if c.get("type") == "machine-learning-model"]
        ancestors = {a.get("bom-ref") or a.get("name") for c, _ in models
                     for a in as_list((c.get("pedigree") or {}).get("ancestors")) if isinstance(a, dict)}
        primary = next(((c, at) for c, at in models if (c.get("bom-ref") or c.get("name")) not in ancestors), None)
        node_of: dict[str, str] = {}
        if primary:
            node_of[primary[0].get("bom-ref") or ""] = PRIMARY_MODEL
            self._primary(f, *primary, file, by_ref, node_of)
        for comp, at in comps:
            if primary and comp is primary[0]:
                continue
            if comp.get("type") == "machine-learning-model":
                key = vocab.entity_key(comp.get("name", comp.get("bom-ref", "model")))
                node_of[comp.get("bom-ref") or key] = f"model:{key}"
                self._base_model(f, comp, at, key, file)
            elif comp.get("type") == "data" and _is_dataset(comp):
                key = vocab.entity_key(comp.get("name", comp.get("bom-ref", "dataset")))
                node_of[comp.get("bom-ref") or key] = f"dataset:{key}"
                self._dataset(f, comp, at, key, file)
            elif comp.get("type") == "container" and comp.get("hashes"):
                self._subject(f, comp, at, file)
            elif comp.get("type") in ("library", "framework", "application", "platform", "operating-system", "data"):
                self._component(f, comp, at, file)
        if primary:
            for j, anc in enumerate(as_list((primary[0].get("pedigree") or {}).get("ancestors"))):
                if isinstance(anc, dict) and anc.get("name"):
                    key = vocab.entity_key(anc["name"])
                    aat = f"{primary[1]}/pedigree/ancestors/{j}"
                    self._base_model(f, anc, aat, key, file)
                    add_edge(f, f"model:{key}", "base_of", PRIMARY_MODEL, aat)
        for i, dep in enumerate(as_list(bom.get("dependencies"))):
            if not isinstance(dep, dict) or dep.get("ref") not in node_of:
                continue
            for j, target in enumerate(as_list(dep.get("dependsOn"))):
                if target in node_of and node_of[dep["ref"]].startswith("model:"):
                    upstream = node_of[target]
                    typ = "trains" if upstream.startswith("dataset:") else "base_of"
                    if upstream.startswith(("dataset:", "model:")):
                        add_edge(f, upstream, typ, node_of[dep["ref"]], ptr("dependencies", i, "dependsOn", j))
        return f

    def _primary(self, f: FactList, comp: dict, at: str, file: str, by_ref: dict, node_of: dict) -> None:
        f.add(("model", "name"), comp.get("name"), f"{at}/name")
        f.add(("model", "version"), common.text(comp.get("version")), f"{at}/version")
        f.add(("model", "description"), common.text(comp.get("description")), f"{at}/description")
        lic, lat = license_of(comp)
        license_texts(f, comp, at)
        f.add(("model", "license"), lic, at + lat)
        for role in ("supplier", "manufacturer"):  # who distributes or makes it, not who is accountable for it
            org = comp.get(role) or {}
            if isinstance(org, dict) and org.get("name"):
                f.add(("model", "supplier"), org["name"], f"{at}/{role}/name")
        for i, author in enumerate(as_list(comp.get("authors"))):
            f.add(("model", "developers"), [common.person_dict(author)], f"{at}/authors/{i}", union=True)
        digest, dat = sha256_of(comp)
        if digest:
            key = vocab.entity_key(comp.get("name", "model"))
            common.digest(f, ("subjects", key, "digest"), digest, file, at + dat)
            f.add(("subjects", key, "kind"), "model", f"{at}/type")
            f.add(("subjects", key, "name"), comp.get("name"), f"{at}/name")
            f.add(("subjects", key, "version"), common.text(comp.get("version")), f"{at}/version")
            f.add(("subjects", key, "uri"), comp.get("purl"), f"{at}/purl")
            add_edge(f, PRIMARY_MODEL, "packaged_as", f"artifact:{key}", at)
        card = comp.get("modelCard") or {}
        cat = f"{at}/modelCard"
        params = card.get("modelParameters") or {}
        f.add(("model", "task"), params.get("task"), f"{cat}/modelParameters/task")
        f.add(("model", "architecture"), params.get("modelArchitecture") or params.get("architectureFamily"),
              f"{cat}/modelParameters/modelArchitecture")
        for j, ds in enumerate(as_list(params.get("datasets"))):
            dat_ = f"{cat}/modelParameters/datasets/{j}"
            if isinstance(ds, dict) and ds.get("ref") in by_ref:
                dcomp = by_ref[ds["ref"]][0]
                key = vocab.entity_key(dcomp.get("name", ds["ref"]))
            elif isinstance(ds, dict) and ds.get("name"):
                key = vocab.entity_key(ds["name"])
                f.add(("datasets", key, "name"), ds["name"], f"{dat_}/name")
                f.add(("datasets", key, "description"), ds.get("description"), f"{dat_}/description")
                f.add(("datasets", key, "extra", "classification"), ds.get("classification"),
                      f"{dat_}/classification")
            else:
                continue
            f.add(("datasets", key, "roles"), ["training"], dat_, union=True)
            add_edge(f, f"dataset:{key}", "trains", PRIMARY_MODEL, dat_)
        for k, metric in enumerate(as_list((card.get("quantitativeAnalysis") or {}).get("performanceMetrics"))):
            if not isinstance(metric, dict) or metric.get("type") is None:
                continue
            mat = f"{cat}/quantitativeAnalysis/performanceMetrics/{k}"
            try:
                value = float(metric.get("value"))
            except (TypeError, ValueError):
                continue
            name = str(metric["type"])
            slice_ = metric.get("slice")
            mkey = vocab.entity_key(f"{name} {slice_}" if slice_ else name)
            base = ("evaluations", "cyclonedx-quantitative-analysis", "metrics", mkey)
            f.add((*base, "name"), name, f"{mat}/type")
            f.add((*base, "value"), value, f"{mat}/value")
            f.add((*base, "slice"), slice_, f"{mat}/slice")
        cons = card.get("considerations") or {}
        cons_at = f"{cat}/considerations"
        f.add(("model", "intended_use", "users"), [str(u) for u in as_list(cons.get("users"))],
              f"{cons_at}/users", union=True)
        uses = [str(u) for u in as_list(cons.get("useCases"))]
        if uses:
            f.add(("model", "intended_use", "description"), "; ".join(uses), f"{cons_at}/useCases")
        sections = {"limitations": cons.get("technicalLimitations"),
                    "ethical_considerations": [e.get("name") for e in as_list(cons.get("ethicalConsiderations"))
                                               if isinstance(e, dict) and e.get("name")],
                    "performance_tradeoffs": cons.get("performanceTradeoffs")}
        source_field = {"limitations": "technicalLimitations", "ethical_considerations": "ethicalConsiderations",
                        "performance_tradeoffs": "performanceTradeoffs"}
        for name, value in sections.items():
            text = "\n".join(str(v) for v in as_list(value) if v)
            if text:
                f.add(("documentation", "considerations", name),
                      {"title": source_field[name], "chars": len(text), "text": text},
                      f"{cons_at}/{source_field[name]}")

    def _base_model(self, f: FactList, comp: dict, at: str, key: str, file: str) -> None:
        base = ("model", "base_models", key)
        f.add((*base, "name"), comp.get("name"), f"{at}/name")
        f.add((*base, "version"), common.text(comp.get("version")), f"{at}/version")
        lic, lat = license_of(comp)
        license_texts(f, comp, at)
        f.add((*base, "license"), lic, at + lat)
        digest, dat = sha256_of(comp)
        common.digest(f, (*base, "digest"), digest, file, at + dat)
        f.add((*base, "uri"), comp.get("purl"), f"{at}/purl")

    def _dataset(self, f: FactList, comp: dict, at: str, key: str, file: str) -> None:
        base = ("datasets", key)
        f.add((*base, "name"), comp.get("name"), f"{at}/name")
        f.add((*base, "version"), common.text(comp.get("version")), f"{at}/version")
        f.add((*base, "description"), common.text(comp.get("description")), f"{at}/description")
        lic, lat = license_of(comp)
        license_texts(f, comp, at)
        f.add((*base, "license"), lic, at + lat)
        digest, dat = sha256_of(comp)
        common.digest(f, (*base, "digest"), digest, file, at + dat)
        for i, ref in enumerate(as_list(comp.get("externalReferences"))):
            if isinstance(ref, dict) and ref.get("type") in ("distribution", "website") and ref.get("url"):
                f.add((*base, "uri"), ref["url"], f"{at}/externalReferences/{i}/url")
                break
        for j, data in enumerate(as_list(comp.get("data"))):
            if not isinstance(data, dict):
                continue
            dat_ = f"{at}/data/{j}"
            if data.get("sensitiveData"):  # CycloneDX lists personal data here (names, income, ...)
                f.add((*base, "personal_data"), True, f"{dat_}/sensitiveData")
                f.add((*base, "extra", "sensitive_data"), [str(s) for s in as_list(data["sensitiveData"])],
                      f"{dat_}/sensitiveData", union=True)
            f.add((*base, "extra", "classification"), data.get("classification"), f"{dat_}/classification")
            owners = as_list((data.get("governance") or {}).get("owners"))
            for k, owner in enumerate(owners):
                org = (owner.get("organization") or {}).get("name") if isinstance(owner, dict) else None
                f.add((*base, "source"), org, f"{dat_}/governance/owners/{k}/organization/name")

    def _component(self, f: FactList, comp: dict, at: str, file: str) -> None:
        if not comp.get("name"):
            return
        base = ("components", vocab.entity_key(comp["name"]))
        f.add((*base, "name"), comp["name"], f"{at}/name")
        f.add((*base, "version"), common.text(comp.get("version")), f"{at}/version")
        f.add((*base, "type"), comp.get("type"), f"{at}/type")
        f.add((*base, "purl"), comp.get("purl"), f"{at}/purl")
        lic, lat = license_of(comp)
        license_texts(f, comp, at)
        f.add((*base, "license"), lic, at + lat)
        digest, dat = sha256_of(comp)
        common.digest(f, (*base, "digest"), digest, file, at + dat)

    def _subject(self, f: FactList, comp: dict, at: str, file: str) -> None:
        digest, dat = sha256_of(comp)
        if not digest or not comp.get("name"):
            return
        key = vocab.entity_key(comp["name"])
        base = ("subjects", key)
        f.add((*base, "kind"), _SUBJECT_KIND.get(comp.get("type"), "other"), f"{at}/type")
        f.add((*base, "name"), comp["name"], f"{at}/name")
        f.add((*base, "version"), common.text(comp.get("version")), f"{at}/version")
        f.add((*base, "uri"), comp.get("purl"), f"{at}/purl")
        common.digest(f, (*base, "digest"), digest, file, at + dat)
