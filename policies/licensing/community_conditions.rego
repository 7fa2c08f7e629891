# METADATA
# title: Community-license conditions are reviewed for this use
# description: >-
#   Community licenses such as Llama's attach conditions that depend on the use: a separate
#   license above a monthly-active-user threshold, attribution ("Built with Llama"), naming of
#   derivatives, and an acceptable-use policy. Someone must confirm they hold for this model;
#   list the license in the pack's acknowledged_conditions once they have.
# custom:
#   id: LIC-006
#   severity: medium
#   controls:
#     - ISO-42001:A.10.3
#     - NIST-AI-RMF:GOVERN-6.1
#   remediation: Review the conditions, then add the license id to acknowledged_conditions (--params).
package mlgov.rules.licensing.community_conditions

import data.mlgov.lib.licensing as lib
import rego.v1

findings := [f |
	some x in lib.licensed
	info := x.entity.license_info
	lib.binding(info, "community_conditions")
	some id in lib.carriers(info, "community_conditions")
	not id in object.get(lib.params, "acknowledged_conditions", [])
	f := {
		"message": concat("", [
			x.label, " is under ", id, ", whose conditions (user thresholds, attribution, acceptable use) ",
			"have not been reviewed for this model; path: ", x.route,
		]),
		"evidence": [sprintf("%s/license", [x.ref])],
		"subject": x.subject,
	}
]
