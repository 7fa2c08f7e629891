"""SPDX 3.0 JSON-LD with the AI and Dataset profiles.

``ai_AIPackage`` elements are models (the released one is chosen by the rule in ``_released``;
only its ancestors become base models, sibling models are listed as components),
``dataset_DatasetPackage`` elements are datasets, and Relationships carry licenses
(``hasConcludedLicense`` over ``hasDeclaredLicense``) and lineage (``trainedOn``,
``testedOn``, ``ancestorOf``/``descendantOf``). Locations are pointers into ``@graph``.
"""

from __future__ import annotations

from ..document import vocab
from ..document.facts import FactList
from ..errors import InputError
from . import common
from .interface import PRIMARY_MODEL, Loaded, Source, add_edge, as_list

_MODEL = ("ai_AIPackage", "AIPackage")
_DATASET = ("dataset_DatasetPackage", "DatasetPackage")
_DOCUMENTS = ("SpdxDocument", "software_Sbom", "Bom", "Bundle", "Sbom")
_RISK = {"serious": "high", "high": "high", "medium": "medium", "low": "low"}


def _type(el: dict) -> str:
    return str(el.get("type") or el.get("@type") or "")


def _id(el: dict) -> str | None:
    return el.get("spdxId") or el.get("@id")


def _sha256(el: dict) -> tuple[str | None, str]:
    for i, h in enumerate(as_list(el.get("verifiedUsing"))):
        if isinstance(h, dict) and str(h.get("algorithm", "")).lower() == "sha256" and h.get("hashValue"):
            return h["hashValue"], f"/verifiedUsing/{i}/hashValue"
    return None, "/verifiedUsing"


def _released(models: list[tuple[dict, str]], rels: list[tuple[dict, str]], graph: list[tuple[dict, str]],
              file: str) -> tuple[dict, str] | None:
    """The released model, by a stated rule: the AI package named as ``rootElement`` (of the
    SpdxDocument or of a Bom it names); else the one AI package no other descends from; else
    the choice is ambiguous and refused (name it in ``rootElement``)."""
    if not models:
        return None
    by_id = {_id(el): (el, at) for el, at in graph if _id(el)}
    roots, seen = [], set()
    queue = [r for el, _ in graph if _type(el) in _DOCUMENTS for r in as_list(el.get("rootElement"))]
    while queue:
        ref = queue.pop(0)
        if ref in seen or ref not in by_id:
            continue
        seen.add(ref)
        el = by_id[ref][0]
        if _type(el) in _MODEL:
            roots.append(by_id[ref])
        elif _type(el) in _DOCUMENTS:
            queue.extend(as_list(el.get("rootElement")))
    if len(roots) == 1:
        return roots[0]
    candidates = roots or models
    leaves = [m for m in candidates if not any(_id(m[0]) in _ancestors(_id(o[0]), rels) for o in models)]
    if len(leaves) == 1:
        return leaves[0]
    if len(candidates) == 1:
        return candidates[0]
    names = ", ".join(str(m[0].get("name") or _id(m[0])) for m in (leaves or candidates))
    raise InputError(file, f"cannot tell which AI package is released: {names} (none descends from the others); "
                           "name it in the SpdxDocument's rootElement", "/@graph")


def _ancestors(model_id: str | None, rels: list[tuple[dict, str]]) -> set[str]:
    """Every element that ``model_id`` descends from (ancestorOf / descendantOf, transitively)."""
    parents: dict[str, set[str]] = {}
    for rel, _ in rels:
        rtype, frm, to = rel.get("relationshipType"), rel.get("from"), as_list(rel.get("to"))
        if rtype == "ancestorOf":
            for child in to:
                parents.setdefault(child, set()).add(frm)
        elif rtype == "descendantOf":
            parents.setdefault(frm, set()).update(to)
    out: set[str] = set()
    stack = [model_id]
    while stack:
        for parent in parents.get(stack.pop(), ()):
            if parent not in out:
                out.add(parent)
                stack.append(parent)
    return out


class SPDX3(Source):
    format = "spdx3"
    description = "SPDX 3.0 JSON-LD (AI and Dataset profiles)"
    schema = "sources/spdx3"

    def detect(self, loaded: Loaded) -> bool:
        data = loaded.data
        if loaded.syntax != "json" or not isinstance(data, dict) or not isinstance(data.get("@graph"), list):
            return False
        return "spdx" in str(data.get("@context", "")).lower()

    def facts(self, loaded: Loaded) -> FactList:
        file = loaded.display
        graph = [(el, f"/@graph/{i}") for i, el in enumerate(loaded.data["@graph"]) if isinstance(el, dict)]
        by_id = {_id(el): (el, at) for el, at in graph if _id(el)}
        rels = [(el, at) for el, at in graph if _type(el) == "Relationship"]
        models = [(el, at) for el, at in graph if _type(el) in _MODEL]
        primary = _released(models, rels, graph, file)
        ancestors = _ancestors(_id(primary[0]), rels) if primary else set()
        node_of: dict[str, str] = {}
        f = FactList()
        for el, at in models:
            if primary and el is primary[0]:
                node_of[_id(el) or ""] = PRIMARY_MODEL
                self._model(f, el, at, file)
            elif _id(el) in ancestors:
                key = vocab.entity_key(el.get("name") or _id(el) or "model")
                node_of[_id(el) or key] = f"model:{key}"
                self._base(f, el, at, key, file)
            else:  # a sibling model shipped alongside: listed, never made a base model
                name = el.get("name") or _id(el) or "model"
                base = ("components", vocab.entity_key(name))
                f.add((*base, "name"), name, f"{at}/name")
                f.add((*base, "type"), "machine-learning-model", f"{at}/type")
                version = common.text(el.get("software_packageVersion"))
                f.add((*base, "version"), version, f"{at}/software_packageVersion")
        for el, at in graph:
            if _type(el) in _DATASET:
                key = vocab.entity_key(el.get("name") or _id(el) or "dataset")
                node_of[_id(el) or key] = f"dataset:{key}"
                self._dataset(f, el, at, key, by_id, file)
        # files contained in a package stand for it (trainedOn between files lifts to their packages)
        for rel, _ in rels:
            if rel.get("relationshipType") == "contains" and rel.get("from") in node_of:
                for target in as_list(rel.get("to")):
                    node_of.setdefault(target, node_of[rel["from"]])
        self._relationships(f, rels, by_id, node_of)
        return f

    def _model(self, f: FactList, el: dict, at: str, file: str) -> None:
        f.add(("model", "name"), el.get("name"), f"{at}/name")
        f.add(("model", "version"), common.text(el.get("software_packageVersion")), f"{at}/software_packageVersion")
        f.add(("model", "description"), common.text(el.get("description") or el.get("summary")), f"{at}/description")
        f.add(("model", "uri"), common.text(el.get("software_downloadLocation")), f"{at}/software_downloadLocation")
        f.add(("model", "architecture"), common.text(as_list(el.get("ai_typeOfModel"))[0]
                                                     if el.get("ai_typeOfModel") else None), f"{at}/ai_typeOfModel")
        f.add(("model", "intended_use", "description"), common.text(el.get("ai_informationAboutApplication")),
              f"{at}/ai_informationAboutApplication")
        domains = [str(d) for d in as_list(el.get("ai_domain")) if d]
        f.add(("model", "intended_use", "domain"), "; ".join(domains) or None, f"{at}/ai_domain")
        risk = str(el.get("ai_safetyRiskAssessment", "")).lower()
        f.add(("model", "risk_tier"), _RISK.get(risk), f"{at}/ai_safetyRiskAssessment")
        f.add(("model", "extra", "standard_compliance"), [str(s) for s in as_list(el.get("ai_standardCompliance"))],
              f"{at}/ai_standardCompliance", union=True)
        if el.get("ai_limitation"):
            text = str(el["ai_limitation"])
            f.add(("documentation", "considerations", "limitations"),
                  {"title": "ai_limitation", "chars": len(text), "text": text}, f"{at}/ai_limitation")
        for i, m in enumerate(as_list(el.get("ai_metric"))):
            if isinstance(m, dict) and m.get("key"):
                try:
                    value = float(m.get("value"))
                except (TypeError, ValueError):
                    continue
                mbase = ("evaluations", "spdx-ai-metrics", "metrics", vocab.entity_key(m["key"]))
                f.add((*mbase, "name"), str(m["key"]), f"{at}/ai_metric/{i}/key")
                f.add((*mbase, "value"), value, f"{at}/ai_metric/{i}/value")
        for i, m in enumerate(as_list(el.get("ai_metricDecisionThreshold"))):
            if isinstance(m, dict) and m.get("key"):
                try:
                    value = float(m.get("value"))
                except (TypeError, ValueError):
                    continue
                # SPDX's decision threshold is the cut-off used to compute the metric (e.g. a score
                # threshold), not a pass bar, so it is not our `threshold`
                mbase = ("evaluations", "spdx-ai-metrics", "metrics", vocab.entity_key(m["key"]))
                f.add((*mbase, "name"), str(m["key"]), f"{at}/ai_metricDecisionThreshold/{i}/key")
                f.add((*mbase, "decision_threshold"), value, f"{at}/ai_metricDecisionThreshold/{i}/value")
        for i, h in enumerate(as_list(el.get("ai_hyperparameter"))):
            if isinstance(h, dict) and h.get("key"):
                f.add(("training_runs", "spdx-training", "parameters", str(h["key"])), common.text(h.get("value")),
                      f"{at}/ai_hyperparameter/{i}/value")
        if el.get("ai_hyperparameter"):
            add_edge(f, "run:spdx-training", "produces", PRIMARY_MODEL, f"{at}/ai_hyperparameter")
        digest, dat = _sha256(el)
        if digest:
            key = vocab.entity_key(el.get("name") or "model")
            f.add(("subjects", key, "kind"), "model", f"{at}/software_primaryPurpose")
            f.add(("subjects", key, "name"), el.get("name"), f"{at}/name")
            common.digest(f, ("subjects", key, "digest"), digest, file, at + dat)
            add_edge(f, PRIMARY_MODEL, "packaged_as", f"artifact:{key}", at)

    def _base(self, f: FactList, el: dict, at: str, key: str, file: str) -> None:
        base = ("model", "base_models", key)
        f.add((*base, "name"), el.get("name"), f"{at}/name")
        f.add((*base, "version"), common.text(el.get("software_packageVersion")), f"{at}/software_packageVersion")
        f.add((*base, "uri"), common.text(el.get("software_downloadLocation")), f"{at}/software_downloadLocation")
        digest, dat = _sha256(el)
        common.digest(f, (*base, "digest"), digest, file, at + dat)

    def _dataset(self, f: FactList, el: dict, at: str, key: str, by_id: dict, file: str) -> None:
        base = ("datasets", key)
        f.add((*base, "name"), el.get("name"), f"{at}/name")
        f.add((*base, "version"), common.text(el.get("software_packageVersion")), f"{at}/software_packageVersion")
        f.add((*base, "uri"), common.text(el.get("software_downloadLocation")), f"{at}/software_downloadLocation")
        f.add((*base, "description"), common.text(el.get("description") or el.get("summary")), f"{at}/description")
        f.add((*base, "extra", "intended_use"), common.text(el.get("dataset_intendedUse")), f"{at}/dataset_intendedUse")
        sensitive = str(el.get("dataset_hasSensitivePersonalInformation", "")).lower()
        if sensitive in ("yes", "no"):
            f.add((*base, "personal_data"), sensitive == "yes", f"{at}/dataset_hasSensitivePersonalInformation")
            # the property names *sensitive* personal information: it also answers sensitive_data
            f.add((*base, "sensitive_data"), sensitive == "yes", f"{at}/dataset_hasSensitivePersonalInformation")
        size = el.get("dataset_datasetSize")
        f.add((*base, "extra", "size"), size if isinstance(size, int) else None, f"{at}/dataset_datasetSize")
        f.add((*base, "extra", "known_bias"), common.text(el.get("dataset_knownBias")), f"{at}/dataset_knownBias")
        f.add((*base, "extra", "confidentiality"), common.text(el.get("dataset_confidentialityLevel")),
              f"{at}/dataset_confidentialityLevel")
        for i, agent in enumerate(as_list(el.get("originatedBy"))):
            name = (by_id.get(agent, ({}, ""))[0] or {}).get("name") or str(agent)
            f.add((*base, "source"), name, f"{at}/originatedBy/{i}")
            break
        digest, dat = _sha256(el)
        common.digest(f, (*base, "digest"), digest, file, at + dat)

    def _relationships(self, f: FactList, rels: list[tuple[dict, str]], by_id: dict, node_of: dict) -> None:
        licenses: dict[str, tuple[int, str, str]] = {}
        for rel, at in rels:
            rtype = rel.get("relationshipType")
            frm = str(rel.get("from"))
            targets = [str(t) for t in as_list(rel.get("to"))]
            if rtype in ("hasConcludedLicense", "hasDeclaredLicense") and frm in node_of and targets:
                target = targets[0]
                el, el_at = by_id.get(target, ({}, ""))
                expr = _license_expression(f, el, el_at) if el else target
                rank = 0 if rtype == "hasConcludedLicense" else 1
                if expr and (frm not in licenses or rank < licenses[frm][0]):
                    licenses[frm] = (rank, str(expr), f"{at}/to")
            for j, target in enumerate(targets):
                tat = f"{at}/to" + (f"/{j}" if isinstance(rel.get("to"), list) else "")
                if rtype in ("trainedOn", "testedOn") and frm in node_of and target in node_of:
                    add_edge(f, node_of[target], "trains" if rtype == "trainedOn" else "evaluates", node_of[frm], tat)
                    if rtype == "trainedOn" and node_of[target].startswith("dataset:"):
                        f.add(("datasets", node_of[target].split(":", 1)[1], "roles"), ["training"], tat, union=True)
                elif rtype == "ancestorOf" and frm in node_of and target in node_of:
                    add_edge(f, node_of[frm], "base_of", node_of[target], tat)
                elif rtype == "descendantOf" and frm in node_of and target in node_of:
                    add_edge(f, node_of[target], "base_of", node_of[frm], tat)
        for spdx_id, (_, expr, at) in licenses.items():
            node = node_of[spdx_id]
            path = _license_path(node)
            if path:
                common.license_(f, path, expr, at)


def _license_expression(f: FactList, el: dict, at: str) -> str | None:
    """The license a license element stands for. A ``CustomLicense`` becomes its LicenseRef and
    its text is kept (``/licenses/<ref>``); a ``ListedLicense`` is its SPDX id."""
    kind = _type(el)
    if el.get("simplelicensing_licenseExpression"):
        return str(el["simplelicensing_licenseExpression"])
    tail = str(_id(el) or "").rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    if kind.endswith("ListedLicense"):
        return tail or common.text(el.get("name"))
    if kind.endswith("CustomLicense"):
        ref = common.license_ref(tail if tail.startswith("LicenseRef-") else (el.get("name") or tail))
        common.license_text(f, ref, name=(el.get("name"), f"{at}/name"),
                            text=(el.get("simplelicensing_licenseText"), f"{at}/simplelicensing_licenseText"),
                            url=(next(iter(as_list(el.get("expandedlicensing_seeAlso"))), None),
                                 f"{at}/expandedlicensing_seeAlso/0"))
        return ref
    return None


def _license_path(node: str) -> tuple[str, ...] | None:
    kind, _, key = node.partition(":")
    if node == PRIMARY_MODEL:
        return ("model", "license")
    if kind == "model":
        return ("model", "base_models", key, "license")
    if kind == "dataset":
        return ("datasets", key, "license")
    return None

