# METADATA
# title: Licenses respect the organisation's allow and deny lists
# description: >-
#   Organisations forbid some licenses outright (e.g. AGPL for hosted services) or allow only a
#   reviewed list. Both lists are parameters of this pack.
# custom:
#   id: LIC-007
#   severity: high
#   controls:
#     - ISO-42001:A.2.2
#     - ISO-42001:A.10.3
#     - NIST-AI-RMF:GOVERN-1.1
#   remediation: Replace the material, or have the license reviewed and added to the allow list.
package mlgov.rules.licensing.org_policy

import data.mlgov.lib.licensing as lib
import rego.v1

denied := object.get(lib.params, "denied_licenses", [])

allowed := object.get(lib.params, "allowed_licenses", [])

findings := [f |
	some x in lib.licensed
	some alt in x.entity.license_info.alternatives
	some id in alt
	reason := problem(id)
	f := {
		"message": concat("", [x.label, " uses ", id, ", which ", reason, "; path: ", x.route]),
		"evidence": [sprintf("%s/license", [x.ref])],
		"subject": x.subject,
	}
]

problem(id) := "the organisation denies" if id in denied

problem(id) := "is not on the organisation's allow list" if {
	count(allowed) > 0
	not id in allowed
	not id in denied
}
