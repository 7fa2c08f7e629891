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

findings := array.concat(ordered, undated)

ordered := [f |
	some i
	d := input.document.deployments[i]
	d.timestamp
	# (no `some function` here: regorus then fails on a second deployment with "duplicated
	# definition of local variable function"; an unbound key iterates just the same)
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

# Unknown is not compliant: a deployment without a date cannot be shown to follow its approvals.
undated := [f |
	some i
	d := input.document.deployments[i]
	not d.timestamp.epoch_s
	count(lib.required) > 0
	f := {
		"message": concat("", ["deployment ", d.id, " has no date, so it cannot be shown to follow the required approvals"]),
		"evidence": [sprintf("/deployments/%d/timestamp", [i])],
		"subject": sprintf("deployment:%s", [d.id]),
	}
]
