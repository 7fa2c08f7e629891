# METADATA
# title: Approvals are authenticated, not just claimed
# description: >-
#   Anyone who can edit a release bundle can write "approved by the Chief Risk Officer". An
#   approval is established only when it is signed (mlgov approve) and authenticated against
#   an approver policy (gate --approvers). Unsigned or unchecked claims are reported here;
#   where signed approvals are required (--require-signed-approvals, parameter
#   require_signed_approvals, a 21 CFR Part 11 scope, or any approver policy given) they also
#   do not count towards the sign-offs (APR-001), which then blocks.
# custom:
#   id: APR-008
#   severity: medium
#   controls:
#     - 21-CFR-11:11.50
#     - 21-CFR-11:11.70
#     - SR-11-7:governance
#     - ISO-42001:A.6.2.5
package mlgov.rules.approvals.unauthenticated

import data.mlgov.lib.approvals as lib
import rego.v1

findings := [f |
	some i
	a := input.document.approvals[i]
	not judged(a)
	f := {
		"message": concat("", ["the ", lib.role_of(a), " approval by ", lib.who(a), " is not authenticated: ", reason(a)]),
		"evidence": [sprintf("/approvals/%d", [i])],
		"subject": sprintf("approval:%s", [a.id]),
	}
]

reason(a) := a.authentication.reason

reason(a) := "no approver policy checked it (gate --approvers POLICY)" if not a.authentication.reason

# Authenticated or rejected: APR-001 and APR-007 speak for it. (A helper, not `not x in [...]`
# on a possibly undefined status, which OPA and regorus evaluate differently.)
judged(a) if a.authentication.status in ["authenticated", "rejected"]
