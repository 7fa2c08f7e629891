"""Document + packs -> findings. Engines are prepared once and reused for every document.

Rego rules run as one query per document (``data.mlgov.rules``); YAML rules run natively.
With a cross-check engine, the Rego part runs on both and any difference is an error.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..controls import check_rule_controls, in_force_keys
from ..document import validate_document
from ..document.digest import document_digest
from ..engines import make_engine
from ..errors import EvaluationError
from ..packs.model import SEVERITIES, Pack, RuleMeta, severity_rank
from ..packs.params import check_params
from ..packs.rego_metadata import RULE_NAMESPACE
from ..packs.yaml_rules import Context
from .contract import check_findings, default_subject, evidence_sources
from .waivers import apply_waivers

RESULT_SCHEMA = "https://mlgov.dev/schemas/evaluation-result/v1"


class Evaluator:
    def __init__(self, packs: Sequence[Pack], engine: str = "regorus", cross_check: str | None = None,
                 opa_url: str | None = None, params: dict[str, dict] | None = None) -> None:
        self.packs = list(packs)
        check_rule_controls(self.packs)
        check_params(self.packs, params)  # an unknown pack, parameter or type is refused, never ignored
        self.params = {p.name: {**p.params, **(params or {}).get(p.name, {})} for p in self.packs}
        self.rego_rules: dict[str, RuleMeta] = {k: v for p in self.packs for k, v in p.rego_rules.items()}
        # Where each rule's package sits in the result tree: split once, read per document
        self._rule_paths = [(tuple(package.removeprefix(RULE_NAMESPACE).split(".")), meta)
                            for package, meta in self.rego_rules.items()]
        self._pack_summaries = [p.summary() for p in self.packs]  # the same for every document
        # a library shared by two packs (pack.yaml `libraries`) is one module, loaded once
        modules = list({(m.package, m.text): m for p in self.packs for m in p.rego_modules}.values())
        self.engine = self.second = None
        if modules:
            self.engine = make_engine(engine, opa_url)
            self.engine.prepare(modules)
            if cross_check:
                if cross_check == engine:
                    raise EvaluationError("--cross-check", f"needs an engine other than {engine}")
                self.second = make_engine(cross_check, opa_url)
                self.second.prepare(modules)

    def engine_info(self) -> dict[str, str]:
        if self.engine is None:
            return {"name": "yaml", "version": "native"}
        info = {"name": self.engine.name, "version": self.engine.version()}
        if self.second is not None:
            info["cross_check"] = self.second.version()
        return info

    def rego_findings(self, document: dict, as_of: dict, context: dict | None = None) -> list[tuple[RuleMeta, dict]]:
        if self.engine is None:
            return []
        input_ = {"document": document, "as_of": as_of, "params": self.params,
                  "context": context if context is not None else evaluation_context(document, as_of)}
        found = self._collect(self.engine.evaluate(input_), document)
        if self.second is not None:
            other = self._collect(self.second.evaluate(input_), document)
            _compare(found, other, self.engine.name, self.second.name)
        return found

    def _collect(self, tree: dict, document: dict) -> list[tuple[RuleMeta, dict]]:
        out = []
        for parts, meta in self._rule_paths:
            node: Any = tree
            for part in parts:
                node = node.get(part) if isinstance(node, dict) else None
            value = node.get("findings") if isinstance(node, dict) else None
            if value is None:
                package = RULE_NAMESPACE + ".".join(parts)
                raise EvaluationError(meta.where, f"rule {meta.id}: `findings` is undefined in package {package} "
                                                  "(define it as an array comprehension)")
            out.extend((meta, f) for f in check_findings(meta, value, document))
        return out

    def yaml_findings(self, document: dict, as_of: dict) -> list[tuple[RuleMeta, dict]]:
        out = []
        for pack in self.packs:
            if not pack.yaml_rules:
                continue
            ctx = Context(document, as_of, self.params[pack.name])
            for rule in pack.yaml_rules:
                out.extend((rule.meta, f) for f in check_findings(rule.meta, rule.evaluate(ctx), document))
        return out

    def run(self, document: dict, as_of: dict, waivers: Sequence[dict] = (), validated: bool = False,
            digest: bool = True, audit_log: bool = False) -> dict[str, Any]:
        """Findings for one document. ``validated``: the caller got it from :func:`mlgov.normalize`,
        which already checked it against the schema (validation is most of the cost otherwise).
        ``digest=False`` leaves ``document_digest`` out (None) for bulk audits that do not sign it.
        ``audit_log``: this run's decision is recorded in mlgov's audit log (21 CFR 11.10(e))."""
        if not validated:
            validate_document(document, document.get("document_id", "<document>"))
        context = evaluation_context(document, as_of, audit_log)
        raw = self.rego_findings(document, as_of, context) + self.yaml_findings(document, as_of)
        findings = [_record(meta, f, document) for meta, f in raw]
        findings.sort(key=lambda f: (-severity_rank(f["severity"]), f["rule"], f["subject"], f["message"]))
        waiver_report = apply_waivers(findings, list(waivers), document, as_of, self.params)
        open_ = [f for f in findings if not f["waived"]]
        by_severity = Counter(f["severity"] for f in open_)
        return {
            "schema": RESULT_SCHEMA,
            "document_id": document["document_id"],
            "document_digest": f"sha256:{document_digest(document)}" if digest else None,
            "as_of": as_of,
            "engine": self.engine_info(),
            "packs": [dict(s) for s in self._pack_summaries],  # shared lists: results are read, never edited
            "findings": findings,
            "waivers": waiver_report,
            "summary": {"total": len(findings), "waived": len(findings) - len(open_),
                        "by_severity": {s: by_severity.get(s, 0) for s in SEVERITIES}},
        }


def evaluation_context(document: dict, as_of: dict, audit_log: bool = False) -> dict[str, Any]:
    """Facts about this evaluation that are not in the document: whether its decision is
    recorded in the audit log, and which controls are in force for the model on ``as_of``."""
    model = document.get("model", {})
    return {"audit_log": {"recorded": audit_log},
            "controls_in_force": in_force_keys(model.get("regulatory_scope", []), as_of, model.get("high_risk_basis"))}


def evaluate(document: dict, packs: Sequence[Pack], as_of: dict, engine: str = "regorus",
             cross_check: str | None = None, opa_url: str | None = None, waivers: Sequence[dict] = (),
             params: dict[str, dict] | None = None, validated: bool = False) -> dict[str, Any]:
    """Evaluate one document (see :class:`Evaluator` to evaluate many with one prepared engine)."""
    return Evaluator(packs, engine, cross_check, opa_url, params).run(document, as_of, waivers, validated)


def _record(meta: RuleMeta, finding: dict, document: dict) -> dict[str, Any]:
    record = {
        "rule": meta.id, "title": meta.title, "severity": meta.severity, "controls": list(meta.controls),
        "message": finding["message"],
        "evidence": [{"pointer": p, "sources": evidence_sources(document, p)} for p in finding["evidence"]],
        "subject": finding.get("subject") or default_subject(finding["evidence"][0], document),
        "pack": meta.pack, "location": meta.where, "waived": False,
    }
    if finding.get("details"):
        record["details"] = finding["details"]
    return record


def _key(meta: RuleMeta, finding: dict) -> tuple:
    return meta.id, finding["message"], tuple(finding["evidence"]), finding.get("subject", "")


def _compare(first: list, second: list, a: str, b: str) -> None:
    left, right = Counter(_key(m, f) for m, f in first), Counter(_key(m, f) for m, f in second)
    if left == right:
        return
    only_a, only_b = left - right, right - left
    sample = next(iter(only_a or only_b))
    side = a if only_a else b
    raise EvaluationError("cross-check", f"{a} and {b} disagree on rule {sample[0]}: only {side} found "
                                         f"{sample[1]!r} ({sum(only_a.values())} findings only from {a}, "
                                         f"{sum(only_b.values())} only from {b})")
