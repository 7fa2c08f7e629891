# METADATA
# title: The record states the facts its retention depends on
# description: >-
#   A retention period needs a class and the date it counts from (placed on the market,
#   created, retired). Without them nobody can say when the record may go.
# custom:
#   id: RET-002
#   severity: medium
#   controls:
#     - EU-AI-ACT:Art.18
#     - SR-11-7:documentation
#     - SR-26-2:documentation
#     - ISO-42001:A.6.2.7
package mlgov.rules.retention.facts

import rego.v1

# The retention library by its full path, not an import alias: see lib.rego.

findings := [f |
	some problem in problems
	f := {"message": problem.message, "evidence": [problem.pointer]}
]

problems := array.concat(array.concat(no_class, unknown_class), no_start)

no_class := [{"message": "the record has no retention class", "pointer": pointer} |
	not data.mlgov.lib.retention.facts.retention_class
	pointer := class_pointer
]

# Evidence points at the missing field, or at the missing object when there are no retention facts at all.
class_pointer := "/retention/retention_class" if input.document.retention

class_pointer := "/retention" if not input.document.retention

unknown_class := [p |
	name := data.mlgov.lib.retention.facts.retention_class
	data.mlgov.lib.retention.class == null
	p := {"message": concat("", ["retention class ", name, " is not defined in the retention pack's parameters"]),
	      "pointer": "/retention/retention_class"}
]

no_start := [p |
	data.mlgov.lib.retention.class != null
	not data.mlgov.lib.retention.start
	not data.mlgov.lib.retention.in_use
	p := {"message": concat("", [
		"retention class ", data.mlgov.lib.retention.facts.retention_class,
		" counts from ", data.mlgov.lib.retention.class.from,
		", which the record does not state",
	]), "pointer": concat("", ["/retention/", data.mlgov.lib.retention.class.from])}
]
