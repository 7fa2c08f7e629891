# METADATA
# title: Approvals have not expired
# custom:
#   id: EQR-003
#   severity: high
#   controls: [SR-11-7:validation]
package mlgov.rules.equivalence.approval_expiry

import rego.v1

findings := [f |
	some i
	a := input.document.approvals[i]
	a.expires.epoch_s < input.as_of.epoch_s
	f := {
		"message": sprintf("approval by %s expired %s", [a.approver.name, a.expires.utc]),
		"evidence": [sprintf("/approvals/%d/expires", [i])],
	}
]
