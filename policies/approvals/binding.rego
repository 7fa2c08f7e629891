# METADATA
# title: Every approval is bound to an artifact of this release
# description: >-
#   An approval is for exact bytes: approving version 2 does not approve version 3. An approval
#   bound to a digest that is not one of this release's artifacts, or to none, approves
#   something else.
# custom:
#   id: APR-003
#   severity: high
#   controls:
#     - SR-11-7:governance
#     - EU-AI-ACT:Art.17
#     - 21-CFR-11:11.70
#     - ISO-42001:A.6.2.5
package mlgov.rules.approvals.binding

import data.mlgov.lib.approvals as lib
import rego.v1

findings := [f |
	some i
	a := input.document.approvals[i]
	lib.positive(a)
	not lib.bound(a)
	f := {
		"message": concat("", ["the ", lib.role_of(a), " approval by ", lib.who(a), " ", target(a)]),
		"evidence": [sprintf("/approvals/%d/artifact_digest", [i])],
		"subject": sprintf("approval:%s", [a.id]),
	}
]

target(a) := concat("", ["is bound to sha256:", substring(a.artifact_digest.sha256, 0, 12), "..., which is not an artifact of this release"]) if a.artifact_digest.sha256

target(a) := "is not bound to any artifact digest" if not a.artifact_digest.sha256
