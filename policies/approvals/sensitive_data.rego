# METADATA
# title: Sensitive data requires additional sign-offs
# description: >-
#   A model trained, tuned or tested on special-category or otherwise sensitive personal data
#   needs, besides the sign-offs of its risk tier, the functions listed in the pack parameter
#   sensitive_data_signoffs (by default data protection). An approval counts as APR-001's do
#   (data.mlgov.lib.approvals.counted): approved or conditional, bound to a released artifact,
#   given by the evaluation date and not expired, and authenticated when signed approvals are
#   required; a claim that does not count is named with the reason.
# custom:
#   id: APR-020
#   severity: high
#   controls:
#     - GDPR:Art.9
#     - GDPR:Art.35
#     - EU-AI-ACT:Art.17
#     - ISO-42001:A.7.2
#     - NIST-AI-RMF:GOVERN-2.1
#     - SR-11-7:governance
package mlgov.rules.approvals.sensitive_data

import data.mlgov.lib.approvals as lib
import rego.v1

# Special-category stated, or sensitive personal data (the governance pack's GOV-031 asks which).
sensitive(ds) if ds.special_category_data == true

sensitive(ds) if ds.sensitive_data == true

held := sort([ds.id | some ds in object.get(input.document, "datasets", []); sensitive(ds)])

required := object.get(object.get(input.params, "approvals", {}), "sensitive_data_signoffs", {})

signed(roles) if {
	some a in lib.valid
	a.role in roles
}

findings := [f |
	count(held) > 0
	some function
	roles := required[function]
	not signed(roles)
	f := {
		"message": concat("", [
			"no valid ", function, " approval for ", input.document.document_id, ", which uses sensitive data (",
			concat(", ", held), "; roles that can give it: ", concat(", ", roles), ")", sensitive_claims_not_counted(roles),
		]),
		"evidence": ["/approvals"],
	}
]

# Claims by these roles that do not count: say which and why.
sensitive_claims_not_counted(roles) := concat("", [": not counted: ", concat("; ", reasons)]) if {
	reasons := {lib.not_counted_because(a) |
		some a in input.document.approvals
		a.role in roles
		lib.positive(a)
		not lib.counted(a)
	}
	count(reasons) > 0
} else := ""
