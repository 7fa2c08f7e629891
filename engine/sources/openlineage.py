"""OpenLineage run events (one JSON object, an array, or JSON lines).

Each run becomes a ``run:`` node keyed by its ``runId``; its inputs and outputs become
dataset nodes (``namespace/name`` kept as ``extra.openlineage``: it names a table,
not a download location). An output that another run in the same
file consumes is a derived feature set. A bundle links a run to the released model by
listing it under ``training`` with the same id.
"""

from __future__ import annotations

from typing import Any

from ..document import vocab
from ..document.facts import FactList
from . import common
from .interface import Loaded, Source, add_edge, as_list


def _events(loaded: Loaded) -> list[tuple[dict, str]]:
    data = loaded.data
    if loaded.syntax == "jsonl":
        return [(e, f"line {i + 1}") for i, e in enumerate(data)]
    if isinstance(data, list):
        return [(e, f"/{i}") for i, e in enumerate(data)]
    return [(data, "")]


def _is_event(value: Any) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("run"), dict) and "runId" in value["run"]
            and isinstance(value.get("job"), dict) and "eventTime" in value)


class OpenLineage(Source):
    format = "openlineage"
    description = "OpenLineage run events (JSON or JSON lines)"
    schema = "sources/openlineage"

    def detect(self, loaded: Loaded) -> bool:
        if loaded.syntax not in ("json", "jsonl"):
            return False
        events = _events(loaded)
        return bool(events) and all(_is_event(e) for e, _ in events)

    def facts(self, loaded: Loaded) -> FactList:
        f = FactList()
        events = _events(loaded)
        consumed = {vocab.entity_key(i.get("name", "")) for e, _ in events for i in as_list(e.get("inputs"))
                    if isinstance(i, dict)}
        produced = {vocab.entity_key(o.get("name", "")) for e, _ in events for o in as_list(e.get("outputs"))
                    if isinstance(o, dict)}
        for event, at in events:
            run_key = vocab.entity_key(event["run"]["runId"])
            base = ("training_runs", run_key)
            job = event["job"]
            f.add((*base, "extra", "openlineage_job"), f"{job.get('namespace', '')}/{job.get('name', '')}".strip("/"),
                  f"{at}/job/name")
            state = str(event.get("eventType", "")).upper()
            if state == "START":
                common.stamp(f, (*base, "started"), event["eventTime"], loaded.display, f"{at}/eventTime")
            elif state in ("COMPLETE", "FAIL", "ABORT"):
                common.stamp(f, (*base, "ended"), event["eventTime"], loaded.display, f"{at}/eventTime")
                f.add((*base, "status"), vocab.run_status(state), f"{at}/eventType")
            facets = job.get("facets") or {}
            code = facets.get("sourceCodeLocation") or {}
            f.add((*base, "code_repo"), code.get("repoUrl") or code.get("url"), f"{at}/job/facets/sourceCodeLocation")
            f.add((*base, "code_commit"), code.get("version"), f"{at}/job/facets/sourceCodeLocation/version")
            f.add((*base, "entry_point"), code.get("path"), f"{at}/job/facets/sourceCodeLocation/path")
            for direction in ("inputs", "outputs"):
                for i, ds in enumerate(as_list(event.get(direction))):
                    if not isinstance(ds, dict) or not ds.get("name"):
                        continue
                    dat = f"{at}/{direction}/{i}"
                    key = vocab.entity_key(ds["name"])
                    derived = key in produced and key in consumed
                    kind = "features" if derived else "datasets"
                    node = f"{'feature' if derived else 'dataset'}:{key}"
                    f.add((kind, key, "name"), ds["name"], f"{dat}/name")
                    ns = ds.get("namespace")
                    f.add((kind, key, "extra", "openlineage"), f"{ns}/{ds['name']}" if ns else ds["name"], dat)
                    dfacets = ds.get("facets") or {}
                    version = (dfacets.get("version") or {}).get("datasetVersion")
                    f.add((kind, key, "version"), common.text(version), f"{dat}/facets/version/datasetVersion")
                    if direction == "inputs":
                        add_edge(f, node, "input_to", f"run:{run_key}", dat)
                        if kind == "datasets":
                            f.add((*base, "datasets"), [key], dat, union=True)
                    else:
                        add_edge(f, f"run:{run_key}", "produces", node, dat)
        return f
