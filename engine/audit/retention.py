"""The retention audit: evaluate every inventory entry with the retention rules, in parallel,
and turn the findings into an action plan (keep / archive / purge / hold, with rule, regulation
and reason per artifact). It never deletes anything: it says what should happen and why."""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from itertools import islice
from typing import Any

from ..controls import catalogs, expand, in_force_keys, scope_words
from ..document import validate_document
from ..errors import MlgovError
from ..evaluation.evaluate import Evaluator
from ..packs.model import Pack
from . import crosscheck
from .inventory import Item

CHUNK = 256

_worker: dict[str, Any] = {}


def _init(packs: list[Pack], as_of: dict, params: dict | None, engine: str = "regorus",
          cross_check: str | None = None) -> None:
    _worker["evaluator"] = Evaluator(packs, engine=engine, cross_check=cross_check, params=params)
    _worker["as_of"] = as_of


def _init_worker(packs: list[Pack], as_of: dict, params: dict | None, engine: str = "regorus",
                 cross_check: str | None = None) -> None:
    """A worker keeps nothing between chunks: the collector the parent paused is back on here."""
    gc.enable()
    _init(packs, as_of, params, engine, cross_check)


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
    """The record's plan line, its artifacts' own lines (``_artifacts``) and what the
    cross-inventory checks need (``_index``); the two private keys are consumed by
    :func:`crosscheck.settle` and never signed."""
    findings = result["findings"]
    disposition = next((f for f in findings if f["rule"] == "RET-001"), None)
    details = (disposition or {}).get("details", {})
    scope = document.get("model", {}).get("regulatory_scope")
    basis = document.get("model", {}).get("high_risk_basis")
    entry: dict[str, Any] = {
        "artifact": document["document_id"],
        "kind": "record",
        "subjects": [_subject(s) for s in document.get("subjects", []) if s.get("digest")],
        "owner": _owner(document.get("model", {}).get("owner", {})),
        "action": details.get("action", "review"),
        "reason": details.get("reason", "no disposition rule ran"),
        "rule": disposition["rule"] if disposition else None,
        "regulations": in_scope(disposition["controls"], scope, result["as_of"], basis) if disposition else [],
        "regulatory_scope": scope or [],  # renderers say when none is stated
    }
    for key in ("until", "since", "source", "holds"):
        if key in details:
            entry[key] = details[key]
    extra = document.get("model", {}).get("extra", {})
    if "registry_version" in extra:
        entry["registry"] = {"model": document["model"].get("name"), "version": extra["registry_version"]}
    problems = [{"rule": f["rule"], "severity": f["severity"], "subject": f["subject"], "message": f["message"],
                 "controls": f["controls"]} for f in findings if f["rule"] not in ("RET-001", "RET-006")]
    if problems:
        entry["findings"] = problems
    entry["_artifacts"] = [_artifact_line(f, document, scope, result["as_of"], basis)
                           for f in findings if f["rule"] == "RET-006"]
    entry["_index"] = crosscheck.index(document)
    return entry


def in_scope(controls: list[str], scope: list[str] | None, as_of: dict[str, Any],
             basis: str | None = None) -> list[str]:
    """The controls a plan line cites: the rule's controls and those that carry them forward
    (SR-11-7:documentation -> SR-26-2:documentation), kept when their catalog covers the record's
    regulatory scope and they are in force on the audit's ``as_of``. A plan cites what applies
    when it is made: a record scoped SR-11-7 audited after 2026-04-16 cites SR 26-2, which
    replaced SR 11-7 for the same scope words (the SR 26-2 catalog's ``scope``); one audited
    before cites SR 11-7. No scope stated: the controls in force in every catalog (an unknown
    scope narrows nothing, the date still does). A regime without a catalog (a user's own) has
    no known dates and is kept when the scope names it, or states nothing."""
    return list(_cited(tuple(controls), tuple(scope) if scope else (), as_of["utc"][:10], basis))


@cache  # one answer per rule, scope and day: a 100k-record audit asks a handful of questions
def _cited(controls: tuple[str, ...], scope: tuple[str, ...], day: str, basis: str | None) -> tuple[str, ...]:
    known = {cat.regime for cat in catalogs()}
    in_force = set(in_force_keys(list(scope or scope_words()), {"utc": day}, basis))
    return tuple(c for c in expand(controls)
                 if c in in_force or (c.split(":", 1)[0] not in known and (not scope or c.split(":", 1)[0] in scope)))


def _subject(subject: dict[str, Any]) -> dict[str, Any]:
    """Name, digest and where it lives (``mlgov audit integrity`` re-hashes it there later)."""
    out = {"name": subject.get("name", subject["id"]), "digest": subject["digest"]}
    for key in ("path", "uri"):
        if subject.get(key):
            out[key] = subject[key]
    return out


def _artifact_line(finding: dict[str, Any], document: dict[str, Any], scope: list[str] | None, as_of: dict[str, Any],
                   basis: str | None) -> dict[str, Any]:
    details = finding["details"]
    line = {"artifact": finding["subject"], "kind": finding["subject"].split(":", 1)[0],
            "action": details["action"], "reason": details["reason"], "rule": finding["rule"],
            "retention_class": details["retention_class"],
            "regulations": in_scope(finding["controls"], scope, as_of, basis),
            "regulatory_scope": scope or [],
            "used_by": [document["document_id"]]}
    for key in ("until", "since", "source"):
        if key in details:
            line[key] = details[key]
    if details.get("class_defined") is False:
        message = (f"retention class {details['retention_class']} of {finding['subject']} is not defined in the "
                   "retention pack's parameters")
        line["findings"] = [{"rule": "RET-002", "severity": "medium", "subject": finding["subject"],
                             "message": message, "controls": finding["controls"]}]
    return line


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
    # The plan's entries are acyclic and only grow: the cyclic garbage collector would rescan all of
    # them again and again (superlinear at 100,000 entries). Reference counting frees the rest.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _audit(items, packs, as_of, workers, params, progress, entries, failures, engine, cross_check)
    finally:
        if collecting:
            gc.enable()


def _audit(items: Iterable[Item], packs: list[Pack], as_of: dict, workers: int, params: dict | None,
           progress: Callable[[int], None] | None, entries: list, failures: list, engine: str,
           cross_check: str | None) -> dict[str, Any]:
    if workers == 1:
        _init(packs, as_of, params, engine, cross_check)
        results: Iterable[list[dict]] = map(_evaluate, _chunks(items, CHUNK))
        pool = None
    else:
        # OPA is a Go runtime: a forked copy of a process that has started one can hang, so
        # workers that run OPA start fresh (spawn); regorus workers fork (faster start)
        method = "spawn" if "opa" in (engine, cross_check) else "fork"
        pool = mp.get_context(method).Pool(workers, initializer=_init_worker,
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
    entries += crosscheck.settle(entries)
    return {"entries": entries, "failures": failures, "summary": summarize(entries, failures)}


def summarize(entries: list[dict[str, Any]], failures: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts of records (inventory entries); ``actions`` counts every plan line, records and the
    artifacts with their own retention class (``artifact_lines``)."""
    actions = Counter(e["action"] for e in entries)
    records = sum(1 for e in entries if e.get("kind", "record") == "record")
    return {"artifacts": records + len(failures), "evaluated": records, "failed": len(failures),
            "artifact_lines": len(entries) - records, "actions": dict(sorted(actions.items())),
            "with_findings": sum(1 for e in entries if e.get("findings"))}


def diff(current: list[dict[str, Any]], previous: list[dict[str, Any]], as_of: dict) -> list[dict[str, Any]]:
    """What changed since the last audit, and whether the last plan was carried out: a purge that
    was due and is still there is ``overdue``; a record gone that had to be kept (held, kept, kept
    until a date not reached, archived, under review) is ``lost``; a planned purge that happened is
    ``purged``. Overdue and lost changes carry ``finding: true``."""
    before = {e["artifact"]: e for e in previous}
    now = {e["artifact"]: e for e in current}
    changes = []
    for name, entry in now.items():
        old = before.get(name)
        if old is None:
            changes.append({"artifact": name, "change": "new", "action": entry["action"]})
        elif old["action"] == "purge" and entry["action"] == "purge":
            changes.append({"artifact": name, "change": "overdue", "action": "purge", "since": old.get("since"),
                            "finding": True, "reason": f"planned for purge by the previous audit (due since "
                                                       f"{old.get('since', 'then')}) and still present"})
        elif old["action"] != entry["action"] or old.get("until") != entry.get("until"):
            changes.append({"artifact": name, "change": "action", "from": old["action"], "to": entry["action"],
                            "reason": entry["reason"]})
    for name, old in before.items():
        if name in now:
            continue
        if old["action"] == "purge":
            changes.append({"artifact": name, "change": "purged", "action": "purge"})
        else:
            changes.append({"artifact": name, "change": "lost", "action": old["action"], "finding": True,
                            "reason": _lost_reason(old, as_of)})
    return changes


def _lost_reason(old: dict[str, Any], as_of: dict) -> str:
    if old["action"] == "hold":
        return f"gone while under legal hold ({old['reason']})"
    if old.get("until") and old["until"] > as_of["utc"]:
        return f"deleted before its due date: to be kept until {old['until']}"
    return f"gone although the previous plan said {old['action']} ({old['reason']}); no plan marked it for purge"


def deleted_findings(deleted: list[dict[str, Any]], previous: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Registry versions found deleted (gaps in version numbers). One the previous plan marked for
    purge was carried out; one it names otherwise is reported by :func:`diff` already; any other
    is a finding: nothing shows it was due."""
    planned = {(e["registry"]["model"], e["registry"]["version"]): e for e in previous or [] if "registry" in e}
    out = []
    for gap in deleted:
        old = planned.get((gap["model"], gap["version"]))
        if old is None:
            out.append({**gap, "finding": True, "reason": "version deleted from the registry; no previous plan "
                                                          "shows it was due for purge"})
        elif old["action"] == "purge":
            out.append({**gap, "artifact": old["artifact"], "reason": "purged as planned"})
    return out
