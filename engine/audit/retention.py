"""The retention audit: evaluate every inventory entry with the retention rules, in parallel,
and turn the findings into an action plan (keep / archive / purge / hold, with rule, regulation
and reason per artifact). It never deletes anything: it says what should happen and why."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from ..document import validate_document
from ..errors import MlgovError
from ..evaluation.evaluate import Evaluator
from ..packs.model import Pack
from .inventory import Item

CHUNK = 256

_worker: dict[str, Any] = {}


def _init(packs: list[Pack], as_of: dict, params: dict | None, engine: str = "regorus",
          cross_check: str | None = None) -> None:
    _worker["evaluator"] = Evaluator(packs, engine=engine, cross_check=cross_check, params=params)
    _worker["as_of"] = as_of


def _evaluate(chunk: list[Item]) -> list[dict[str, Any]]:
    evaluator, as_of = _worker["evaluator"], _worker["as_of"]
    out = []
    for item in chunk:
        item = item.parsed()
        where, document = item.where, item.document
        if item.error is not None:
            out.append({"artifact": where, "error": item.error})
            continue
        name = document.get("document_id", where)
        try:
            validate_document(document, where, bulk=True)
            result = evaluator.run(document, as_of, validated=True, digest=False)
        except MlgovError as exc:
            out.append({"artifact": name, "where": where, "error": exc.one_line()})
            continue
        out.append(plan_entry(document, result))
    return out


def plan_entry(document: dict[str, Any], result: dict[str, Any]) -> dict[str, Any]:
    findings = result["findings"]
    disposition = next((f for f in findings if f["rule"] == "RET-001"), None)
    details = (disposition or {}).get("details", {})
    entry: dict[str, Any] = {
        "artifact": document["document_id"],
        "subjects": [{"name": s.get("name", s["id"]), "digest": s["digest"]} for s in document.get("subjects", [])
                     if s.get("digest")],
        "owner": _owner(document.get("model", {}).get("owner", {})),
        "action": details.get("action", "review"),
        "reason": details.get("reason", "no disposition rule ran"),
        "rule": disposition["rule"] if disposition else None,
        "regulations": disposition["controls"] if disposition else [],
        "regulatory_scope": document.get("model", {}).get("regulatory_scope", []),  # renderers filter by it
    }
    for key in ("until", "since"):
        if key in details:
            entry[key] = details[key]
    problems = [{"rule": f["rule"], "severity": f["severity"], "subject": f["subject"], "message": f["message"],
                 "controls": f["controls"]} for f in findings if f["rule"] != "RET-001"]
    if problems:
        entry["findings"] = problems
    return entry


def _owner(owner: dict[str, str]) -> str | None:
    return owner.get("name") or owner.get("team") or owner.get("email")


def _chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def audit(items: Iterable[Item], packs: list[Pack], as_of: dict, workers: int | None = None,
          params: dict | None = None, progress: Callable[[int], None] | None = None,
          engine: str = "regorus", cross_check: str | None = None) -> dict[str, Any]:
    """Entries and failures of the whole inventory; entries keep the inventory's order."""
    workers = workers or os.cpu_count() or 1
    entries, failures = [], []
    if workers == 1:
        _init(packs, as_of, params, engine, cross_check)
        results: Iterable[list[dict]] = map(_evaluate, _chunks(items, CHUNK))
        pool = None
    else:
        # OPA is a Go runtime: a forked copy of a process that has started one can hang, so
        # workers that run OPA start fresh (spawn); regorus workers fork (faster start)
        method = "spawn" if "opa" in (engine, cross_check) else "fork"
        pool = mp.get_context(method).Pool(workers, initializer=_init,
                                           initargs=(packs, as_of, params, engine, cross_check))
        results = pool.imap(_evaluate, _chunks(items, CHUNK))
    try:
        for chunk in results:
            for entry in chunk:
                (failures if "error" in entry else entries).append(entry)
            if progress:
                progress(len(chunk))
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    actions = Counter(e["action"] for e in entries)
    return {"entries": entries, "failures": failures,
            "summary": {"artifacts": len(entries) + len(failures), "evaluated": len(entries),
                        "failed": len(failures), "actions": dict(sorted(actions.items())),
                        "with_findings": sum(1 for e in entries if e.get("findings"))}}


def diff(current: list[dict[str, Any]], previous: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What changed since the last audit: new and removed artifacts, and changed actions."""
    before = {e["artifact"]: e for e in previous}
    now = {e["artifact"]: e for e in current}
    changes = []
    for name, entry in now.items():
        old = before.get(name)
        if old is None:
            changes.append({"artifact": name, "change": "new", "action": entry["action"]})
        elif old["action"] != entry["action"] or old.get("until") != entry.get("until"):
            changes.append({"artifact": name, "change": "action", "from": old["action"], "to": entry["action"],
                            "reason": entry["reason"]})
    changes += [{"artifact": name, "change": "removed", "action": before[name]["action"]}
                for name in before if name not in now]
    return changes
