"""Checks across the whole inventory, after every record has its own disposition: a legal hold on
a dataset reaches every record built from it, artifacts with their own retention class get one
line however many records use them, and nothing is planned for purge while a kept, held or
deployed record shares an artifact digest, a dataset or a lineage path with it.

Near-linear: one pass builds dictionaries keyed by digest, dataset and lineage node; one pass
looks each purge candidate up in them."""

from __future__ import annotations

from typing import Any

# Strictest first: when several records state a disposition for one artifact, the first wins.
_RANK = {"hold": 0, "review": 1, "keep": 2, "archive": 3, "purge": 4}
_PROTECTS = ("hold", "review", "keep", "archive")
_WITNESSES = 3  # records named per shared key: enough to act on, bounded memory


def index(document: dict[str, Any]) -> dict[str, Any]:
    """What the cross-inventory checks need from one document (kept small: it crosses processes)."""
    lineage = document.get("lineage", {})
    primary = lineage.get("primary")
    held = {d["id"]: d.get("legal_hold", {}).get("reason", "no reason given")
            for d in document.get("datasets", []) if d.get("legal_hold", {}).get("active") is True}
    deployed = bool(document.get("retention", {}).get("in_use")) or any(
        not d.get("retired") and str(d.get("status", "active")).lower() not in ("retired", "inactive", "deleted")
        for d in document.get("deployments", []))
    return {
        "digests": [s["digest"]["sha256"] for s in document.get("subjects", []) if s.get("digest", {}).get("sha256")],
        "datasets": [d["id"] for d in document.get("datasets", [])],
        "held": held,
        "nodes": [n for n in [primary] + [f"artifact:{s['id']}" for s in document.get("subjects", [])] if n],
        "upstream": [u["node"] for u in lineage.get("upstream", {}).get(primary, [])] if primary else [],
        "deployed": deployed,
    }


def settle(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Apply the inventory-wide checks in place and return the artifact lines to add to the plan.
    Consumes the private ``_index`` and ``_artifacts`` keys of each record entry."""
    held_datasets: dict[str, tuple[str, str]] = {}
    for entry in entries:
        for dataset, reason in entry["_index"]["held"].items():
            held_datasets.setdefault(dataset, (entry["artifact"], reason))
    if held_datasets:
        for entry in entries:
            _hold_by_dataset(entry, held_datasets)
    artifacts = _merge_artifacts(entries)
    if held_datasets:
        for line in artifacts:
            ds = line["artifact"].removeprefix("dataset:")
            if line["kind"] == "dataset" and ds in held_datasets and line["action"] != "hold":
                source, reason = held_datasets[ds]
                line.update(action="hold", reason=f"legal hold on {line['artifact']} (stated by {source}): {reason}")
                line.pop("until", None), line.pop("since", None)
    _block_unsafe_purges(entries, artifacts)
    for entry in entries:
        entry.pop("_index", None)
        entry.pop("_artifacts", None)
    return artifacts


def _hold_by_dataset(entry: dict[str, Any], held: dict[str, tuple[str, str]]) -> None:
    if entry["action"] == "hold":
        return
    for dataset in entry["_index"]["datasets"]:
        if dataset in held:
            source, reason = held[dataset]
            entry.update(action="hold", reason=f"legal hold on dataset:{dataset} (stated by {source}): {reason}",
                         source=source)
            entry.pop("until", None), entry.pop("since", None)
            return


def _merge_artifacts(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One line per artifact: the strictest disposition any record states for it, and every record
    that uses it. Different retention classes for one artifact are a finding."""
    merged: dict[str, dict[str, Any]] = {}
    for entry in entries:
        for line in entry.get("_artifacts", ()):
            current = merged.get(line["artifact"])
            if current is None:
                merged[line["artifact"]] = line
                continue
            current["used_by"] += line["used_by"]
            if line["retention_class"] != current["retention_class"]:
                current.setdefault("findings", []).append(_finding(
                    "RET-005", "medium", line["artifact"],
                    f"{line['artifact']}: retention class {current['retention_class']} in {current['used_by'][0]}, "
                    f"{line['retention_class']} in {line['used_by'][0]}: the strictest disposition is used"))
            if _stricter(line, current):
                for key in ("action", "reason", "until", "since", "retention_class", "source"):
                    current.pop(key, None)
                    if key in line:
                        current[key] = line[key]
    return list(merged.values())


def _stricter(a: dict[str, Any], b: dict[str, Any]) -> bool:
    ra, rb = _RANK.get(a["action"], 1), _RANK.get(b["action"], 1)
    if ra != rb:
        return ra < rb
    if a["action"] == "keep":  # kept without end beats kept until; a later end beats an earlier one
        return ("until" not in a and "until" in b) or ("until" in a and "until" in b and a["until"] > b["until"])
    return False


def _block_unsafe_purges(entries: list[dict[str, Any]], artifacts: list[dict[str, Any]]) -> None:
    by_digest: dict[str, list[str]] = {}
    by_dataset: dict[str, list[str]] = {}
    by_upstream: dict[str, list[str]] = {}

    def note(table: dict[str, list[str]], key: str, name: str) -> None:
        names = table.setdefault(key, [])
        if len(names) < _WITNESSES and name not in names:
            names.append(name)

    status = {}
    for entry in entries:
        ix = entry["_index"]
        protects = entry["action"] in _PROTECTS or ix["deployed"]
        status[entry["artifact"]] = _status(entry["action"], ix["deployed"])
        if not protects:
            continue
        for digest in ix["digests"]:
            note(by_digest, digest, entry["artifact"])
        for dataset in ix["datasets"]:
            note(by_dataset, dataset, entry["artifact"])
        for node in ix["upstream"]:
            note(by_upstream, node, entry["artifact"])
    for entry in entries:
        if entry["action"] != "purge":
            continue
        ix = entry["_index"]
        shared = ([("artifact digest sha256:" + d, o) for d in ix["digests"] for o in by_digest.get(d, ())]
                  + [(f"dataset:{d}", o) for d in ix["datasets"] for o in by_dataset.get(d, ())]
                  + [(f"lineage node {n} (upstream of it)", o) for n in ix["nodes"] for o in by_upstream.get(n, ())])
        _block(entry, [(what, other) for what, other in shared if other != entry["artifact"]], status)
    for line in artifacts:
        if line["action"] != "purge" or line["kind"] != "dataset":
            continue
        users = [(line["artifact"], other) for other in by_dataset.get(line["artifact"].removeprefix("dataset:"), ())]
        _block(line, [(what, other) for what, other in users if other != line["artifact"]], status)


def _status(action: str, deployed: bool) -> str:
    return f"{action}, deployed" if deployed else action


def _block(entry: dict[str, Any], shared: list[tuple[str, str]], status: dict[str, str]) -> None:
    if not shared:
        return
    what, other = shared[0]
    others = "; ".join(f"{o} ({status.get(o, '?')}) shares {w}" for w, o in shared[:_WITNESSES])
    entry.update(action="review", reason=f"purge blocked: {others}. Purge only what is not shared, or keep it")
    entry.pop("since", None)
    entry.setdefault("findings", []).append(_finding(
        "RET-007", "high", entry["artifact"],
        f"{entry['artifact']} is due for purge but {other} ({status.get(other, '?')}) shares {what} with it"))


def _finding(rule: str, severity: str, subject: str, message: str) -> dict[str, Any]:
    controls = {"RET-005": ["EU-AI-ACT:Art.18", "SR-11-7:documentation", "SR-26-2:documentation"],
                "RET-007": ["EU-AI-ACT:Art.18", "SR-11-7:documentation", "SR-26-2:documentation",
                            "GDPR:Art.5(1)(e)"]}[rule]
    return {"rule": rule, "severity": severity, "subject": subject, "message": message, "controls": controls}
