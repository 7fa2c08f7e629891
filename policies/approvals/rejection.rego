# METADATA
# title: No approver rejected or revoked this release
# description: >-
#   A rejection or revocation bound to an artifact of this release blocks it, whatever else was
#   approved. One bound to no artifact digest cannot be shown to concern another release, so it
#   blocks too; one bound to another artifact's digest is about that artifact.
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
	scope := applies_to(a)
	f := {
		"message": concat("", [lib.who(a), " (", lib.role_of(a), ") ", a.decision, " this release on ", lib.dated_of(a), scope]),
		"evidence": [sprintf("/approvals/%d/decision", [i])],
		"subject": sprintf("approval:%s", [a.id]),
	}
]

# "" for a decision bound to a released artifact; a note for one bound to no digest at all (which
# release it means cannot be established, so it is not set aside as another release's).
applies_to(a) := "" if {
	lib.bound(a)
} else := " (bound to no artifact digest, so it cannot be shown to concern another release)" if {
	not a.artifact_digest.sha256
}
