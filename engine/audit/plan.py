"""The signed retention action plan: an in-toto Statement (predicate type retention-plan/v1) in a
DSSE envelope, plus Markdown and HTML renderings of it for the compliance team."""

from __future__ import annotations

import hashlib
from html import escape as e
from typing import Any

import rfc8785

from .. import __version__
from ..packs.model import Pack
from ..signing import dsse
from ..signing.keys import Signer
from ..verdict.attest import STATEMENT_TYPE, policy_digest

PREDICATE_TYPE = "https://mlgov.dev/attestations/retention-plan/v1"
ACTIONS = ("purge", "hold", "review", "archive", "keep")


def statement(outcome: dict[str, Any], packs: list[Pack], as_of: dict, source: str,
              changes: list[dict] | None) -> dict[str, Any]:
    subjects = sorted({(s["name"], s["digest"]["sha256"]) for e in outcome["entries"] for s in e.get("subjects", ())})
    if not subjects:  # a plan still needs a subject: bind it to the inventory listing itself
        listing = rfc8785.dumps(sorted(e["artifact"] for e in outcome["entries"]))
        subjects = [("inventory", hashlib.sha256(listing).hexdigest())]
    predicate: dict[str, Any] = {
        "verifier": {"id": "https://mlgov.dev/verifier", "version": {"mlgov": __version__}},
        "timeVerified": as_of["utc"], "as_of": as_of, "inventory": source,
        "policy": {"digest": {"sha256": policy_digest(packs)}},
        "packs": [p.summary() for p in packs], "summary": outcome["summary"],
        "entries": outcome["entries"], "failures": outcome["failures"],
    }
    if changes is not None:
        predicate["changes"] = changes
    if "deleted" in outcome:
        predicate["deleted"] = outcome["deleted"]
    return {"_type": STATEMENT_TYPE, "predicateType": PREDICATE_TYPE,
            "subject": [{"name": n, "digest": {"sha256": d}} for n, d in subjects], "predicate": predicate}


def sign(stmt: dict[str, Any], signer: Signer) -> dict[str, Any]:
    return dsse.sign(rfc8785.dumps(stmt), dsse.IN_TOTO_PAYLOAD_TYPE, signer)


def _sorted(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(entries, key=lambda x: (ACTIONS.index(x["action"]) if x["action"] in ACTIONS else 9, x["artifact"]))


def markdown(predicate: dict[str, Any], limit: int = 500) -> str:
    s = predicate["summary"]
    lines = [f"# Retention audit as of {predicate['timeVerified']}", "",
             f"{s['artifacts']} artifacts: {s['evaluated']} evaluated, {s['failed']} could not be evaluated. "
             f"Actions: {', '.join(f'{k} {v}' for k, v in s['actions'].items()) or 'none'}.", ""]
    if predicate["failures"]:
        lines += ["## Could not evaluate", ""] + [f"- {f['artifact']}: {f['error']}" for f in predicate["failures"]]
        lines.append("")
    if "changes" in predicate:
        lines += ["## Changes since the previous audit", ""]
        lines += [f"- {c['artifact']}: {c['change']}" + (f" {c['from']} -> {c['to']}" if c["change"] == "action"
                                                          else f" ({c['action']})")
                  + (f" **finding**: {c['reason']}" if c.get("finding") else "") for c in predicate["changes"]]
        lines += ["None."] if not predicate["changes"] else []
        lines.append("")
    if predicate.get("deleted"):
        lines += ["## Deleted from the registry", ""]
        lines += [f"- {d['model']} version {d['version']}: {d['reason']}" for d in predicate["deleted"]] + [""]
    lines += ["## Actions", "", "| artifact | action | when | reason | findings |", "|---|---|---|---|---|"]
    entries = _sorted(predicate["entries"])
    for entry in entries[:limit]:
        when = entry.get("until") or entry.get("since") or ""
        problems = "; ".join(f"{f['rule']}: {f['message']}" for f in entry.get("findings", []))
        lines.append(f"| {entry['artifact']} | **{entry['action']}** | {when} | {entry['reason']} | {problems} |")
    if len(entries) > limit:
        lines.append(f"| … {len(entries) - limit} more in the signed plan | | | | |")
    return "\n".join(lines) + "\n"


def html(predicate: dict[str, Any], limit: int = 2000) -> str:
    s = predicate["summary"]
    rows = []
    for entry in _sorted(predicate["entries"])[:limit]:
        problems = "<br>".join(e(f"{f['rule']}: {f['message']}") for f in entry.get("findings", []))
        rows.append(f"<tr><td>{e(entry['artifact'])}</td><td class='a-{e(entry['action'])}'>{e(entry['action'])}</td>"
                    f"<td>{e(entry.get('until') or entry.get('since') or '')}</td><td>{e(entry['reason'])}</td>"
                    f"<td>{problems}</td></tr>")
    failures = "".join(f"<li>{e(f['artifact'])}: {e(f['error'])}</li>" for f in predicate["failures"])
    changes = "".join(f"<li>{e(c['artifact'])}: {e(c['change'])} {e(str(c.get('from', '')))} "
                      f"{e(str(c.get('to', c.get('action', ''))))}"
                      + (f" <b>finding</b>: {e(c['reason'])}" if c.get("finding") else "") + "</li>"
                      for c in predicate.get("changes", []))
    style = ("body{font-family:sans-serif;max-width:1100px;margin:2rem auto}table{border-collapse:collapse;"
             "width:100%;font-size:.85rem}td,th{border:1px solid #ccc;padding:.3rem}"
             ".a-purge{color:#b71c1c;font-weight:700}.a-hold{color:#8a5300;font-weight:700}")
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Retention audit "
            f"{e(predicate['timeVerified'])}</title><style>{style}</style></head><body>"
            f"<h1>Retention audit as of {e(predicate['timeVerified'])}</h1><p>{s['artifacts']} artifacts: "
            f"{s['evaluated']} evaluated, {s['failed']} could not be evaluated; actions "
            f"{e(', '.join(f'{k} {v}' for k, v in s['actions'].items()))}.</p>"
            + (f"<h2>Could not evaluate</h2><ul>{failures}</ul>" if failures else "")
            + (f"<h2>Changes since the previous audit</h2><ul>{changes or '<li>none</li>'}</ul>"
               if "changes" in predicate else "")
            + "<h2>Actions</h2><table><tr><th>artifact</th><th>action</th><th>when</th><th>reason</th>"
              "<th>findings</th></tr>" + "".join(rows) + "</table></body></html>\n")
