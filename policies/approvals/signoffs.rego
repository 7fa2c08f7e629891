# METADATA
# title: The sign-offs the risk tier requires are present and valid
# description: >-
#   SR 11-7 expects model owners, independent validation with effective challenge, and
#   governance sign-off before use; the EU AI Act (Art. 14, 17) expects human oversight within
#   a quality management system. Which functions must approve depends on the risk tier (pack
#   parameter required_signoffs). An approval counts only if it is approved (or conditional),
#   bound to a released artifact's digest, given by the evaluation date and not expired.
# custom:
#   id: APR-001
#   severity: high
#   controls:
#     - SR-11-7:validation
#     - SR-11-7:governance
#     - EU-AI-ACT:Art.14
#     - EU-AI-ACT:Art.17
#     - ISO-42001:A.6.2.5
#     - NIST-AI-RMF:GOVERN-2.1
#     - 21-CFR-11:11.50
package mlgov.rules.approvals.signoffs

import data.mlgov.lib.approvals as lib
import rego.v1

findings := array.concat(missing, no_tier)

missing := [f |
	some function
	roles := lib.required[function]
	not signed(roles)
	f := {
		"message": concat("", [
			"no valid ", function, " approval for ", input.document.document_id, " (risk tier ", lib.tier,
			"; roles that can give it: ", concat(", ", roles), ")",
		]),
		"evidence": ["/approvals"],
	}
]

signed(roles) if {
	some a in lib.valid
	a.role in roles
}

no_tier := [f |
	input.document.model # no model described: CMP-001 says so
	not input.document.model.risk_tier
	f := {
		"message": "the model has no risk tier, so the approvals it needs cannot be determined",
		"evidence": ["/model/risk_tier"],
	}
]
