# METADATA
# title: No approver rejected or revoked this release
# description: A rejection or revocation bound to an artifact of this release blocks it, whatever else was approved.
# custom:
#   id: APR-005
#   severity: critical
#   controls:
#     - SR-11-7:governance
#     - EU-AI-ACT:Art.14
#     - ISO-42001:A.6.2.5
package mlgov.rules.approvals.rejection

import data.mlgov.lib.approvals as lib
import rego.v1

findings := [f |
	some i
	a := input.document.approvals[i]
	a.decision in ["rejected", "revoked"]
	lib.bound(a)
	f := {
		"message": concat("", [lib.who(a), " (", lib.role_of(a), ") ", a.decision, " this release on ", lib.dated_of(a)]),
		"evidence": [sprintf("/approvals/%d/decision", [i])],
		"subject": sprintf("approval:%s", [a.id]),
	}
]
