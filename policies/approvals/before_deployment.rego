# METADATA
# title: Required approvals were given before deployment
# description: A deployment made before a required function approved was made without sign-off.
# custom:
#   id: APR-006
#   severity: high
#   controls:
#     - SR-11-7:governance
#     - EU-AI-ACT:Art.14
#     - EU-AI-ACT:Art.17
#     - ISO-42001:A.6.2.5
package mlgov.rules.approvals.before_deployment

import data.mlgov.lib.approvals as lib
import rego.v1

findings := [f |
	some i
	d := input.document.deployments[i]
	d.timestamp
	some function
	roles := lib.required[function]
	first := min([a.timestamp.epoch_s | some a in lib.valid; a.role in roles])
	first > d.timestamp.epoch_s
	f := {
		"message": concat("", [
			"deployment ", d.id, " on ", d.timestamp.utc, " precedes the ", function, " approval",
		]),
		"evidence": [sprintf("/deployments/%d/timestamp", [i]), "/approvals"],
		"subject": sprintf("deployment:%s", [d.id]),
	}
]
