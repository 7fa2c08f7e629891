# METADATA
# title: Retention disposition of the release record
# description: >-
#   What to do with this release's records as of the evaluation date: keep (and until when),
#   archive, purge, or hold. A legal hold always wins; missing facts never lead to a purge.
#   Informational: it does not fail a gate, it feeds retention audits.
# custom:
#   id: RET-001
#   severity: info
#   controls:
#     - EU-AI-ACT:Art.18
#     - EU-AI-ACT:Art.19
#     - SR-11-7:documentation
#     - SR-26-2:documentation
#     - 21-CFR-11:11.10(c)
#     - FDA:QMSR-records
#     - ISO-42001:A.6.2.7
package mlgov.rules.retention.disposition

import rego.v1

# The retention library by its full path, not an import alias: see lib.rego.

findings := [f |
	d := data.mlgov.lib.retention.disposition
	f := {
		"message": concat("", [d.action, when(d), ": ", d.reason]),
		"evidence": ["/retention"],
		"details": d,
	}
]

when(d) := concat("", [" until ", d.until]) if d.until

when(d) := concat("", [" since ", d.since]) if d.since

when(d) := "" if {
	not d.until
	not d.since
}
