"""JUnit XML for CI test tabs (Jenkins, GitLab, GitHub test reporters).

One test suite per pack and one test case per rule that ran, named by the rule id alone so test
history stays joined across runs. A case fails only for open findings at or above the verdict's
fail-on severity (exactly what failed the gate); one whose blocking findings are all waived is
skipped; lower findings (and informative ones such as a retention disposition) go to the case's
system-out, never to a failure. Validated against the Jenkins xunit JUnit XSD in the tests.
"""

from __future__ import annotations

from collections import defaultdict
from xml.etree import ElementTree as ET

from ..packs.model import severity_rank
from .context import ReportContext
from .view import FindingView


def _line(fv: FindingView) -> str:
    f = fv.finding
    evidence = ", ".join(f"{x.path}#{x.at}" if x.path else x.pointer for x in fv.evidence)
    state = " (waived: " + f["waiver"] + ")" if f["waived"] else ""
    return (f"{fv.number} [{f['severity']}]{state} {f['subject']}: {f['message']} | controls: "
            f"{', '.join(fv.controls) or 'none in scope'} | evidence: {evidence}")


def junit(ctx: ReportContext) -> str:
    p, view = ctx.predicate, ctx.view
    floor = severity_rank(p["decision"]["fail_on"])
    by_rule: dict[str, list[FindingView]] = defaultdict(list)
    for fv in view.findings:
        by_rule[fv.rule].append(fv)
    rules_by_pack = {x["name"]: set(x.get("rules", [])) for x in p["packs"]}
    for fv in view.findings:
        rules_by_pack.setdefault(fv.finding["pack"], set()).add(fv.rule)
    root = ET.Element("testsuites", name=f"mlgov {p['input']['document_id']}")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for pack in sorted(rules_by_pack):
        rules = sorted(rules_by_pack[pack])
        suite = ET.SubElement(root, "testsuite", name=pack, tests=str(len(rules)), errors="0",
                              timestamp=p["timeVerified"])
        props = ET.SubElement(suite, "properties")
        for name, value in (("document_id", p["input"]["document_id"]), ("decision", p["verificationResult"]),
                            ("fail_on", p["decision"]["fail_on"]),
                            ("policy_digest", "sha256:" + p["policy"]["digest"]["sha256"])):
            ET.SubElement(props, "property", name=name, value=value)
        failures = skipped = 0
        for rule in rules:
            found = by_rule.get(rule, [])
            case = ET.SubElement(suite, "testcase", classname=f"mlgov.{pack}", name=rule, time="0")
            blocking = [fv for fv in found if fv.blocking]
            waived_blocking = [fv for fv in found if fv.finding["waived"]
                               and severity_rank(fv.severity) >= floor]
            if blocking:
                failures += 1
                first = blocking[0].finding
                failure = ET.SubElement(case, "failure", type=first["severity"],
                                        message=f"{len(blocking)} blocking finding(s): {first['subject']}: "
                                                f"{first['message']}"[:500])
                failure.text = "\n".join(_line(fv) for fv in blocking)
            elif waived_blocking:
                skipped += 1
                ET.SubElement(case, "skipped", message="waived: " + ", ".join(
                    sorted({fv.finding["waiver"] for fv in waived_blocking})))
            rest = [fv for fv in found if fv not in blocking]
            if rest:
                ET.SubElement(case, "system-out").text = "\n".join(_line(fv) for fv in rest)
        suite.set("failures", str(failures))
        suite.set("skipped", str(skipped))
        for key, value in (("tests", len(rules)), ("failures", failures), ("skipped", skipped)):
            totals[key] += value
    root.set("tests", str(totals["tests"]))
    root.set("failures", str(totals["failures"]))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
