"""Governance facts a release bundle states and no other format carries: inventory registration,
materiality, the EU AI Act high-risk basis, risk assessments, automatic logging, transparency
measures, the DPIA, and per dataset special-category data and quality evidence.

Kept apart from ``bundle.py`` (which reads the lifecycle facts) so the two grow independently.
Every vocabulary is closed: an unknown word is an input error naming the field.
"""

from __future__ import annotations

from typing import Any

from ..document import vocab
from ..document.facts import FactList
from . import common
from .interface import ptr


def governance_facts(f: FactList, m: dict[str, Any], file: str) -> None:
    _model(f, m["model"], file)
    _risk_management(f, m.get("risk_management", {}), file)
    log = m.get("logging", {})
    if "automatic" in log:
        f.add(("logging", "automatic"), vocab.boolean(log["automatic"], file, "/logging/automatic"),
              "/logging/automatic")
    f.add(("logging", "retention_days"), log.get("retention_days"), "/logging/retention_days")
    f.add(("logging", "store"), log.get("store"), "/logging/store")
    f.add(("logging", "phases"), log.get("phases"), "/logging/phases", union=True)
    tr = m.get("transparency", {})
    if "ai_disclosure" in tr:
        at = "/transparency/ai_disclosure"
        f.add(("transparency", "ai_disclosure"), vocab.boolean(tr["ai_disclosure"], file, at), at)
    f.add(("transparency", "content_marking"), tr.get("content_marking"), "/transparency/content_marking")
    dpia = m.get("data_protection", {}).get("dpia", {})
    at = "/data_protection/dpia"
    f.add(("data_protection", "dpia", "reference"), dpia.get("reference"), f"{at}/reference")
    f.add(("data_protection", "dpia", "outcome"), dpia.get("outcome"), f"{at}/outcome")
    common.stamp(f, ("data_protection", "dpia", "completed"), dpia.get("completed"), file, f"{at}/completed")
    for i, ds in enumerate(m.get("datasets", [])):
        _dataset(f, ds, ptr("datasets", i), file)


def _model(f: FactList, model: dict[str, Any], file: str) -> None:
    for field in ("generative", "agentic"):
        if field in model:
            f.add(("model", field), vocab.boolean(model[field], file, f"/model/{field}"), f"/model/{field}")
    if "materiality" in model:
        f.add(("model", "materiality"), vocab.materiality(model["materiality"], file, "/model/materiality"),
              "/model/materiality")
    if "high_risk_basis" in model:
        f.add(("model", "high_risk_basis"),
              vocab.high_risk_basis(model["high_risk_basis"], file, "/model/high_risk_basis"), "/model/high_risk_basis")
    inv = model.get("inventory", {})
    for field in ("id", "system", "status"):
        f.add(("model", "inventory", field), common_str(inv.get(field)), f"/model/inventory/{field}")
    common.stamp(f, ("model", "inventory", "registered"), inv.get("registered"), file, "/model/inventory/registered")


def _risk_management(f: FactList, rm: dict[str, Any], file: str) -> None:
    for i, a in enumerate(rm.get("assessments", [])):
        at = ptr("risk_management", "assessments", i)
        base = ("risk_management", "assessments", vocab.entity_key(a["id"]))
        for field in ("reference", "scope", "outcome"):
            f.add((*base, field), a.get(field), f"{at}/{field}")
        for field in ("completed", "next_review"):
            common.stamp(f, (*base, field), a.get(field), file, f"{at}/{field}")


def _dataset(f: FactList, ds: dict[str, Any], at: str, file: str) -> None:
    base = ("datasets", vocab.entity_key(ds["name"]))
    if "special_category_data" in ds:
        f.add((*base, "special_category_data"),
              vocab.boolean(ds["special_category_data"], file, f"{at}/special_category_data"),
              f"{at}/special_category_data")
    if "special_category_condition" in ds:
        f.add((*base, "special_category_condition"),
              vocab.special_category_condition(ds["special_category_condition"], file,
                                               f"{at}/special_category_condition"),
              f"{at}/special_category_condition")
    quality = ds.get("quality", {})
    f.add((*base, "quality", "report"), quality.get("report"), f"{at}/quality/report")
    common.stamp(f, (*base, "quality", "checked"), quality.get("checked"), file, f"{at}/quality/checked")
    if "passed" in quality:
        f.add((*base, "quality", "passed"), vocab.boolean(quality["passed"], file, f"{at}/quality/passed"),
              f"{at}/quality/passed")


def common_str(value: Any) -> str | None:
    return None if value in (None, "") else str(value)
