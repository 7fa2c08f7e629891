"""Hugging Face model card: README.md with YAML front matter (license, datasets, base_model,
model-index) and a Markdown body whose sections document the model.

Locations: JSON pointers address the front matter; ``line N`` addresses the body.
"""

from __future__ import annotations

from ..document import vocab
from ..document.facts import FactList
from . import common
from .interface import PRIMARY_MODEL, Loaded, Source, add_edge, as_list, ptr
from .markdown import section_facts

# Hub license ids (huggingface/hub-docs docs/hub/repositories-licenses.md) that are not SPDX
# ids, or that name a family rather than one license (``gpl``, ``cc``), keep their meaning as
# LicenseRef-<id>; the licensing pack's license_terms says what each obliges.
HUB_ONLY = frozenset({
    "openrail", "openrail++", "bigscience-openrail-m", "creativeml-openrail-m", "bigscience-bloom-rail-1.0",
    "bigcode-openrail-m", "bsd", "c-uda", "cc", "gfdl", "gpl", "lgpl", "odc-by", "odbl", "pddl", "lgpl-lr",
    "h-research", "intel-research", "apple-ascl", "apple-amlr", "openmdw-1.0", "openmdw-1.1",
    "deepfloyd-if-license", "fair-noncommercial-research-license", "llama2", "llama3", "llama3.1", "llama3.2",
    "llama3.3", "llama4", "grok2-community", "gemma", "cc-by-nc-sa-4.0-with-usage-restrictions",
})


def hub_license(front: dict) -> str | None:
    lic = front.get("license")
    if lic is None:
        return None
    if isinstance(lic, list):
        return " AND ".join(hub_license({**front, "license": x}) or "NOASSERTION" for x in lic)
    text = str(lic).strip()
    if text.lower() == "other" and front.get("license_name"):
        return common.license_ref(front["license_name"])
    if text.lower() == "other" and front.get("license_link"):  # a license of its own, at that link
        return "LicenseRef-other"
    if text.lower() in HUB_ONLY:
        return "LicenseRef-" + text.lower().replace("+", "-plus")
    return vocab.license_expression(text)


def _license_facts(f: FactList, front: dict) -> None:
    """The model's license, and the link a card gives for a license of its own."""
    lic = hub_license(front)
    f.add(("model", "license"), lic, "/license")
    link = front.get("license_link")
    if lic and lic.startswith("LicenseRef-") and " " not in lic and link:
        # license_name is the Hub's id for the license (it made the LicenseRef), not a title
        common.license_text(f, lic, url=(str(link), "/license_link"))


class HuggingFaceCard(Source):
    format = "huggingface-model-card"
    description = "Hugging Face model card (README.md with YAML front matter)"
    schema = "sources/huggingface-model-card"

    def detect(self, loaded: Loaded) -> bool:
        """Markdown is read as a card, with or without front matter (as huggingface_hub does)."""
        return loaded.syntax == "markdown"

    def facts(self, loaded: Loaded) -> FactList:
        front = loaded.data
        f = FactList()
        name = front.get("model_name") or _index_name(front)
        if name:
            f.add(("model", "name"), str(name), "/model_name" if front.get("model_name") else "/model-index/0/name")
        _license_facts(f, front)
        f.add(("model", "task"), common.text(front.get("pipeline_tag")), "/pipeline_tag")
        f.add(("model", "extra", "library_name"), common.text(front.get("library_name")), "/library_name")
        if _texts(front.get("tags")):
            f.add(("model", "extra", "tags"), [t for _, t in _texts(front["tags"])], "/tags", union=True)
        if _texts(front.get("language")):
            f.add(("model", "extra", "language"), [t for _, t in _texts(front["language"])], "/language",
                  union=True)
        for i, base in _texts(front.get("base_model")):
            at = "/base_model" + (f"/{i}" if isinstance(front.get("base_model"), list) else "")
            key = vocab.entity_key(base)
            f.add(("model", "base_models", key, "name"), str(base), at)
            f.add(("model", "base_models", key, "uri"), f"https://huggingface.co/{base}", at)
            if front.get("base_model_relation"):
                f.add(("model", "base_models", key, "extra", "relation"), common.text(front["base_model_relation"]),
                      "/base_model_relation")
            add_edge(f, f"model:{key}", "base_of", PRIMARY_MODEL, at)
        for i, ds in _texts(front.get("datasets")):
            at = "/datasets" + (f"/{i}" if isinstance(front.get("datasets"), list) else "")
            key = vocab.entity_key(ds)
            f.add(("datasets", key, "name"), str(ds), at)
            f.add(("datasets", key, "uri"), f"https://huggingface.co/datasets/{ds}", at)
            f.add(("datasets", key, "roles"), ["training"], at, union=True)
            add_edge(f, f"dataset:{key}", "trains", PRIMARY_MODEL, at)
        self._model_index(f, front)
        if loaded.body:
            section_facts(f, loaded.body, loaded.body_line, loaded.display)
        return f

    def _model_index(self, f: FactList, front: dict) -> None:
        for i, entry in enumerate(as_list(front.get("model-index"))):
            if not isinstance(entry, dict):
                continue
            for j, result in enumerate(as_list(entry.get("results"))):
                if not isinstance(result, dict):
                    continue
                at = ptr("model-index", i, "results", j)
                dataset = result.get("dataset") or {}
                ds_name = dataset.get("name") or dataset.get("type") or "unspecified"
                split = dataset.get("split")
                key = vocab.entity_key(f"{ds_name} {split}" if split else ds_name)
                base = ("evaluations", key)
                dkey = vocab.entity_key(dataset.get("type") or ds_name)
                f.add((*base, "dataset"), dkey, f"{at}/dataset")
                f.add((*base, "task"), (result.get("task") or {}).get("type"), f"{at}/task/type")
                if dataset:
                    f.add(("datasets", dkey, "name"), str(dataset.get("type") or ds_name), f"{at}/dataset")
                    f.add(("datasets", dkey, "roles"), ["evaluation"], f"{at}/dataset", union=True)
                    add_edge(f, f"dataset:{dkey}", "evaluates", PRIMARY_MODEL, f"{at}/dataset")
                for k, metric in enumerate(as_list(result.get("metrics"))):
                    if not isinstance(metric, dict) or not isinstance(metric.get("value"), (int, float)):
                        continue
                    mname = str(metric.get("type") or metric.get("name"))
                    mbase = (*base, "metrics", vocab.entity_key(mname))
                    f.add((*mbase, "name"), mname, f"{at}/metrics/{k}/type")
                    f.add((*mbase, "value"), metric["value"], f"{at}/metrics/{k}/value")


def _texts(value: object) -> list[tuple[int, str]]:
    """(index, text) of a scalar-or-list field; empty values are "not stated" and skipped."""
    return [(i, str(v).strip()) for i, v in enumerate(as_list(value))
            if v is not None and not isinstance(v, (dict, list)) and str(v).strip()]


def _index_name(front: dict) -> str | None:
    index = front.get("model-index")
    if isinstance(index, list) and index and isinstance(index[0], dict):
        return index[0].get("name")
    return None
