# METADATA
# title: Approvals are bound to a released artifact
# custom:
#   id: EQR-002
#   severity: critical
#   controls: [SR-11-7:validation]
package mlgov.rules.equivalence.approval_binding

import rego.v1

findings := [f |
	some i
	a := input.document.approvals[i]
	not bound(a)
	f := {
		"message": sprintf("approval by %s (%s) is not bound to any released artifact", [a.approver.name, a.role]),
		"evidence": [sprintf("/approvals/%d/artifact_digest", [i])],
	}
]

bound(a) if {
	some s in input.document.subjects
	s.digest.sha256 == a.artifact_digest.sha256
}
