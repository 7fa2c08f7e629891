# METADATA
# title: A commercial model uses no non-commercial data, directly or within 3 hops
# custom:
#   id: EQR-004
#   severity: critical
#   controls: [EU-AI-ACT:Art.10]
package mlgov.rules.equivalence.noncommercial

import rego.v1

findings := [f |
	input.document.model.intended_use.commercial == true
	some i
	d := input.document.datasets[i]
	regex.match(`(^|[^A-Za-z])NC([^A-Za-z]|$)|-NC-`, d.license)
	f := {
		"message": sprintf("commercial model uses %s under %s", [d.name, d.license]),
		"evidence": [sprintf("/datasets/%d/license", [i]), "/model/intended_use/commercial"],
		"subject": sprintf("dataset:%s", [d.id]),
	}
]
