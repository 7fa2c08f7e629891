# METADATA
# title: Registry levels agree on retention facts
# description: >-
#   A retention fact stated differently by two levels of a registry (a model version and its
#   registered model) or by two sources is a decision nobody made: the more specific value is
#   used (and a legal hold anywhere wins), and the disagreement is reported so it is settled.
# custom:
#   id: RET-005
#   severity: medium
#   controls:
#     - EU-AI-ACT:Art.18
#     - SR-11-7:documentation
#     - SR-26-2:documentation
#     - ISO-42001:A.6.2.7
package mlgov.rules.retention.levels

import rego.v1

findings := [f |
	some i
	c := input.document.conflicts[i]
	startswith(c.field, "/retention/")
	f := {
		"message": concat("", [
			c.field, ": sources disagree; used ", json.marshal(c.kept), " (", at(c.values[0]), "), also stated: ",
			concat(", ", [concat("", [json.marshal(v.value), " (", at(v), ")"]) | some v in array.slice(c.values, 1, count(c.values))]),
		]),
		"evidence": [c.field, sprintf("/conflicts/%d", [i])],
	}
]

at(v) := concat(" ", [object.get(v, "source", "?"), object.get(v, "at", "?")])
