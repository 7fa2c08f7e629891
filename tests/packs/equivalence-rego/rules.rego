# METADATA
# title: Personal data has a lawful basis
# custom:
#   id: EQR-001
#   severity: high
#   controls: [GDPR:Art.6]
package mlgov.rules.equivalence.lawful_basis

import rego.v1

findings := [f |
	some i
	d := input.document.datasets[i]
	d.personal_data == true
	not d.lawful_basis
	f := {
		"message": sprintf("dataset %s holds personal data without a lawful basis", [d.name]),
		"evidence": [sprintf("/datasets/%d/lawful_basis", [i])],
		"subject": sprintf("dataset:%s", [d.id]),
	}
]
