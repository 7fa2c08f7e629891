# METADATA
# title: Approvals have not expired and are not dated after the evaluation
# custom:
#   id: APR-004
#   severity: high
#   controls:
#     - SR-11-7:monitoring
#     - EU-AI-ACT:Art.17
#     - ISO-42001:A.6.2.5
package mlgov.rules.approvals.expiry

import data.mlgov.lib.approvals as lib
import rego.v1

findings := [f |
	some i
	a := input.document.approvals[i]
	lib.positive(a)
	lib.bound(a)
	problem := issue(a)
	f := {
		"message": concat("", ["the ", lib.role_of(a), " approval by ", lib.who(a), " ", problem]),
		"evidence": [sprintf("/approvals/%d", [i])],
		"subject": sprintf("approval:%s", [a.id]),
	}
]

issue(a) := concat("", ["expired ", a.expires.utc]) if lib.expired(a)

issue(a) := concat("", ["is dated ", a.timestamp.utc, ", after the evaluation date"]) if a.timestamp.epoch_s > lib.now
