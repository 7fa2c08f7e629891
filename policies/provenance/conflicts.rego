# METADATA
# title: Sources agree on every fact
# description: >-
#   When two inputs state different values for one fact, the record keeps the first and
#   lists the disagreement; until someone resolves it, the kept value is not evidence.
# custom:
#   id: PRV-003
#   severity: high
#   controls:
#     - ISO-42001:A.7.5
#     - SR-11-7:documentation
#     - EU-AI-ACT:Art.11
#   remediation: Correct the source that is wrong, or state the fact in the bundle manifest.
package mlgov.rules.provenance.conflicts

import rego.v1

findings := [f |
	some i
	c := input.document.conflicts[i]
	f := {
		"message": sprintf("sources disagree on %s: %d different values", [c.field, count(c.values)]),
		"evidence": [c.field, sprintf("/conflicts/%d", [i])],
	}
]
