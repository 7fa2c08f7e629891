# METADATA
# title: Every signed approval verifies against the approver policy
# description: >-
#   A signed approval that does not authenticate is worse than none: a forged signature, a
#   key the policy does not give this person, a role they may not sign for, a revoked or
#   expired key, an approval that expired, or one replayed from another release or record.
#   The gate checks signatures against the approver policy it is given (Rego cannot) and
#   records why an approval was rejected; this rule reports each one.
# custom:
#   id: APR-007
#   severity: high
#   controls:
#     - 21-CFR-11:11.70
#     - SR-11-7:governance
#     - EU-AI-ACT:Art.14
#     - ISO-42001:A.6.2.5
package mlgov.rules.approvals.authentication

import data.mlgov.lib.approvals as lib
import rego.v1

findings := [f |
	some i
	a := input.document.approvals[i]
	a.authentication.status == "rejected"
	f := {
		"message": concat("", ["the ", lib.role_of(a), " approval claimed by ", lib.who(a), " is rejected: ", a.authentication.reason]),
		"evidence": [sprintf("/approvals/%d/authentication", [i])],
		"subject": sprintf("approval:%s", [a.id]),
	}
]
