# METADATA
# title: Disposition of each dataset and artifact with its own retention class
# description: >-
#   A dataset or artifact (subject) that states its own retention class gets its own keep /
#   archive / purge / hold line, counted from the release record's dates. Legal holds that reach
#   the record (its own, or on any of its datasets) reach its artifacts too. Informational: it feeds
#   retention audits.
# custom:
#   id: RET-006
#   severity: info
#   controls:
#     - EU-AI-ACT:Art.18
#     - EU-AI-ACT:Art.19
#     - SR-11-7:documentation
#     - SR-26-2:documentation
#     - FDA:QMSR-records
#     - GDPR:Art.5(1)(e)
#     - ISO-42001:A.6.2.7
package mlgov.rules.retention.artifacts

import rego.v1

# The retention library by its full path, not an import alias: see lib.rego.

# One comprehension per collection, no helper rules: every rule of a rule package is evaluated
# and returned with the findings, on every document of an inventory.
findings := array.concat(
	[line(concat("", ["dataset:", d.id]), d.retention_class, sprintf("/datasets/%d/retention_class", [i])) |
		some i
		d := input.document.datasets[i]
		d.retention_class
	],
	[line(concat("", ["artifact:", s.id]), s.retention_class, sprintf("/subjects/%d/retention_class", [i])) |
		some i
		s := input.document.subjects[i]
		s.retention_class
	],
)

line(subject, name, pointer) := {
	"message": concat("", [subject, ": ", d.action, when(d), ": ", d.reason]),
	"evidence": [pointer],
	"subject": subject,
	"details": object.union(d, {
		"retention_class": name,
		"class_defined": object.get(data.mlgov.lib.retention.classes, name, null) != null,
	}),
} if {
	d := disposition(name)
}

# Most artifacts share the record's class: its disposition is computed once.
disposition(name) := data.mlgov.lib.retention.disposition if {
	name == object.get(data.mlgov.lib.retention.facts, "retention_class", "")
}

disposition(name) := data.mlgov.lib.retention.decide(name) if {
	name != object.get(data.mlgov.lib.retention.facts, "retention_class", "")
}

when(d) := concat("", [" until ", d.until]) if d.until

when(d) := concat("", [" since ", d.since]) if d.since

when(d) := "" if {
	not d.until
	not d.since
}
