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
from .interface import Loaded, Source, add_edge


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

    def why_not(self, loaded: Loaded) -> str | None:
        if loaded.syntax not in ("json", "jsonl"):
            return None
        for event, at in _events(loaded):
            if not isinstance(event, dict) or "eventTime" not in event:
                continue
            where = at or "top level"
            # static lineage (spec 2-0-x): a JobEvent has a job and no run, a DatasetEvent a dataset
            # and neither; both are valid OpenLineage, but neither describes a run mlgov could judge
            if "run" not in event and isinstance(event.get("job"), dict):
                return (f"an OpenLineage JobEvent (static lineage: a job, no run); mlgov reads run events "
                        f"only ({where})")
            if "run" not in event and "job" not in event and isinstance(event.get("dataset"), dict):
                return (f"an OpenLineage DatasetEvent (static lineage: a dataset, no run); mlgov reads run "
                        f"events only ({where})")
            if isinstance(event.get("job"), dict) and (not isinstance(event.get("run"), dict)
                                                       or "runId" not in event["run"]):
                return f"an OpenLineage event without run.runId, which the spec requires ({where})"
        return None

    def facts(self, loaded: Loaded) -> FactList:
        f = FactList()
        events = _events(loaded)
        # A run that reads and writes the same dataset (MERGE, upsert, append) updates it in
        # place: that is an input, not a cycle, and does not make the dataset derived.
        runs_in: dict[str, set[str]] = {}
        runs_out: dict[str, set[str]] = {}
        for event, _ in events:
            run = event["run"]["runId"]
            runs_in.setdefault(run, set()).update(_keys(event.get("inputs")))
            runs_out.setdefault(run, set()).update(_keys(event.get("outputs")))
        consumed = {k for keys in runs_in.values() for k in keys}
        produced = {k for run, keys in runs_out.items() for k in keys - runs_in.get(run, set())}
        for event, at in events:
            run_id = event["run"]["runId"]
            run_key = vocab.entity_key(run_id)
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
                for i, ds in enumerate(event.get(direction) or []):
                    if not ds.get("name"):
                        continue
                    dat = f"{at}/{direction}/{i}"
                    key = vocab.entity_key(ds["name"])
                    derived = key in produced and key in consumed
                    kind = "features" if derived else "datasets"
                    node = f"{'feature' if derived else 'dataset'}:{key}"
                    f.add((kind, key, "name"), ds["name"], f"{dat}/name")
                    ns = ds.get("namespace")
                    f.add((kind, key, "extra", "openlineage"), f"{ns}/{ds['name']}" if ns else ds["name"], dat)
                    version = ((ds.get("facets") or {}).get("version") or {}).get("datasetVersion")
                    f.add((kind, key, "version"), common.text(version), f"{dat}/facets/version/datasetVersion")
                    if direction == "inputs":
                        add_edge(f, node, "input_to", f"run:{run_key}", dat)
                        if kind == "datasets":
                            f.add((*base, "datasets"), [key], dat, union=True)
                    elif key in runs_in.get(run_id, set()):
                        f.add((*base, "extra", "updates_in_place"), [ds["name"]], dat, union=True)
                    else:
                        add_edge(f, f"run:{run_key}", "produces", node, dat)
        return f


def _keys(items: Any) -> set[str]:
    return {vocab.entity_key(d["name"]) for d in items or [] if isinstance(d, dict) and d.get("name")}
