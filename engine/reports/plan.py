"""plan.md and plan.html: the signed retention plan for the compliance team.

Both say how the plan is signed (key id, payload type, statement digest) and under which policy
(digest and packs), then per artifact: action, until / since (stated as such), owner, the rule
that decided, its reason, and the regulations that apply: the rule's controls in the record's
regulatory scope and in force on the audit date (SR 26-2, not the rescinded SR 11-7, for a bank
model audited from 2026-04-17). A record that states no scope says so instead of listing every
regime (what cannot be established is not shown as applying).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from html import escape as e
from typing import Any

import rfc8785

from ..controls import catalogs

ACTIONS = ("purge", "hold", "review", "archive", "keep")


@dataclass(frozen=True)
class Signature:
    """How the plan file is signed, as written next to it."""

    keyid: str
    statement_sha256: str
    envelope: str = "plan.json"

    @property
    def text(self) -> str:
        return (f"signed: DSSE envelope {self.envelope} (in-toto Statement, sha256 {self.statement_sha256}) "
                f"by key {self.keyid}; check it with that key's public half before acting on this plan")


def signature_of(statement: dict[str, Any], keyid: str, envelope: str = "plan.json") -> Signature:
    return Signature(keyid, hashlib.sha256(rfc8785.dumps(statement)).hexdigest(), envelope)


def _sorted(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(entries, key=lambda x: (ACTIONS.index(x["action"]) if x["action"] in ACTIONS else 9, x["artifact"]))


def regulations(entry: dict[str, Any]) -> str:
    """The rule's controls in the record's regulatory scope and in force on the audit date (the
    audit chose them: ``mlgov.audit.retention.in_scope``)."""
    controls = entry.get("regulations", [])
    if "regulatory_scope" not in entry:
        return ", ".join(controls) + (" (record's scope not in the plan: all the rule's regimes)" if controls else "")
    scope = entry["regulatory_scope"]
    if not scope:
        return "no regulatory scope stated in the record"
    mine = [c for c in controls if _covers(c.split(":", 1)[0], scope)]
    return ", ".join(mine) or f"none of the rule's controls in scope ({', '.join(scope)}) in force on the audit date"


def _covers(regime: str, scope: list[str]) -> bool:
    """A scope word names a regime, or a catalog that replaced it (SR-11-7 -> SR 26-2's catalog)."""
    words = next((cat.scope for cat in catalogs() if cat.regime == regime), (regime,))
    return any(word in scope for word in words)


def when(entry: dict[str, Any]) -> str:
    if entry.get("until"):
        return f"until {entry['until']}"
    if entry.get("since"):
        return f"since {entry['since']}"
    return "—"


def _change(c: dict[str, Any], arrow: str) -> str:
    if c["change"] == "action":
        reason = f" ({c['reason']})" if c.get("reason") else ""
        return f"{c['artifact']}: action {c['from']} {arrow} {c['to']}{reason}"
    finding = f"; finding: {c['reason']}" if c.get("finding") else ""  # overdue, lost (issue 17)
    return f"{c['artifact']}: {c['change']} ({c.get('action', '')}){finding}"


def _problems(entry: dict[str, Any]) -> list[str]:
    return [f"{f['rule']} [{f.get('severity', '?')}]: {f['message']}" for f in entry.get("findings", [])]


def _audit_date(predicate: dict[str, Any]) -> str:
    """The date the audit evaluated the inventory as of (``as_of``), not when the plan was signed."""
    return str((predicate.get("as_of") or {}).get("utc", "not stated"))


def _header(predicate: dict[str, Any], signature: Signature | None) -> list[tuple[str, str]]:
    s = predicate["summary"]
    packs = ", ".join(f"{p['name']} {p['version']}" for p in predicate.get("packs", []))
    return [("Audit date", f"{_audit_date(predicate)} (the date the inventory was evaluated as of)"),
            ("Signed at", f"{predicate['timeVerified']} (the clock when the plan was signed)"),
            ("Signature", signature.text if signature else "NOT signed: this rendering has no signed plan beside it"),
            ("Policy", f"sha256:{predicate['policy']['digest']['sha256']} ({packs})"),
            ("Inventory", str(predicate.get("inventory", ""))),
            ("Artifacts", f"{s['artifacts']}: {s['evaluated']} evaluated, {s['failed']} could not be evaluated; "
                          f"actions {', '.join(f'{k} {v}' for k, v in s['actions'].items()) or 'none'}")]


def markdown(predicate: dict[str, Any], signature: Signature | None = None, limit: int = 500) -> str:
    lines = [f"# Retention audit as of {_audit_date(predicate)}", ""]
    lines += [f"- **{k}:** {v}" for k, v in _header(predicate, signature)]
    lines.append("")
    if predicate["failures"]:
        lines += ["## Could not evaluate", ""] + [f"- {f['artifact']}: {f['error']}" for f in predicate["failures"]]
        lines.append("")
    if "changes" in predicate:
        lines += ["## Changes since the previous audit", ""]
        lines += [f"- {_change(c, '→')}" for c in predicate["changes"]] or ["None."]
        lines.append("")
    if predicate.get("deleted"):
        lines += ["## Deleted from the registry", ""]
        lines += [f"- {d['model']} version {d['version']}: {d['reason']}" for d in predicate["deleted"]] + [""]
    lines += ["## Actions", "",
              "| artifact | action | when | owner | rule | reason | regulations in scope | findings |",
              "|---|---|---|---|---|---|---|---|"]
    entries = _sorted(predicate["entries"])

    def cell(text: str) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    for entry in entries[:limit]:
        lines.append(f"| {cell(entry['artifact'])} | **{entry['action']}** | {when(entry)} | "
                     f"{cell(entry.get('owner') or 'not stated')} | {entry.get('rule') or 'none'} | "
                     f"{cell(entry['reason'])} | {cell(regulations(entry))} | {cell('; '.join(_problems(entry)))} |")
    if len(entries) > limit:
        lines.append(f"| … {len(entries) - limit} more in the signed plan | | | | | | | |")
    return "\n".join(lines) + "\n"


STYLE = ("body{font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;max-width:1200px;margin:2rem auto;"
         "padding:0 1rem;color:#1a1a1a}table{border-collapse:collapse;width:100%;font-size:.85rem}"
         "td,th{border:1px solid #ccc;padding:.3rem;text-align:left;vertical-align:top}th{background:#f4f4f4}"
         "dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}"
         ".a-purge{color:#b71c1c;font-weight:700}.a-hold{color:#8a5300;font-weight:700}.nw{white-space:nowrap}"
         "@media print{thead{display:table-header-group}tr{break-inside:avoid}h2{break-after:avoid}}")


def html(predicate: dict[str, Any], signature: Signature | None = None, limit: int = 2000) -> str:
    rows = []
    for entry in _sorted(predicate["entries"])[:limit]:
        problems = "<br>".join(e(p) for p in _problems(entry))
        rows.append(f"<tr><td>{e(entry['artifact'])}</td><td class='a-{e(entry['action'])}'>{e(entry['action'])}</td>"
                    f"<td class='nw'>{e(when(entry))}</td><td>{e(entry.get('owner') or 'not stated')}</td>"
                    f"<td class='nw'>{e(entry.get('rule') or 'none')}</td><td>{e(entry['reason'])}</td>"
                    f"<td>{e(regulations(entry))}</td><td>{problems}</td></tr>")
    header = "".join(f"<dt>{e(k)}</dt><dd id='{e(k.lower())}'>{e(v)}</dd>" for k, v in _header(predicate, signature))
    failures = "".join(f"<li>{e(f['artifact'])}: {e(f['error'])}</li>" for f in predicate["failures"])
    changes = "".join(f"<li>{e(_change(c, '→'))}</li>" for c in predicate.get("changes", []))
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Retention audit "
            f"{e(_audit_date(predicate))}</title><style>{STYLE}</style></head><body>"
            f"<h1>Retention audit as of {e(_audit_date(predicate))}</h1><dl>{header}</dl>"
            + (f"<h2>Could not evaluate</h2><ul>{failures}</ul>" if failures else "")
            + (f"<h2>Changes since the previous audit</h2><ul>{changes or '<li>none</li>'}</ul>"
               if "changes" in predicate else "")
            + "<h2>Actions</h2><table><thead><tr><th>artifact</th><th>action</th><th>when</th><th>owner</th>"
              "<th>rule</th><th>reason</th><th>regulations in scope</th><th>findings</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></body></html>\n")
