# METADATA
# title: The sign-offs the risk tier requires are present and valid
# description: >-
#   SR 11-7 expects model owners, independent validation with effective challenge, and
#   governance sign-off before use; the EU AI Act (Art. 14, 17) expects human oversight within
#   a quality management system. Which functions must approve depends on the risk tier (pack
#   parameter required_signoffs). Every deployable released artifact (model, container, code...)
#   needs each required sign-off bound to its own digest: approving the model does not approve
#   a container shipped beside it. An approval counts only if it is approved (or conditional),
#   given by the evaluation date, not expired, and authenticated when signed approvals are
#   required (lib.counted).
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
	some i, function
	s := input.document.subjects[i]
	s in lib.deployable
	roles := lib.required[function]
	not signed_for(s, roles)
	f := {
		"message": concat("", [
			"no valid ", function, " approval for ", object.get(s, "name", s.id), " of ", input.document.document_id,
			" (", bound_to(s), "; risk tier ", lib.tier, "; roles that can give it: ", concat(", ", roles), ")",
			claims_not_counted_for(s, roles),
		]),
		"evidence": [sprintf("/subjects/%d", [i]), "/approvals"],
		"subject": sprintf("artifact:%s", [object.get(s, "name", s.id)]),
	}
]

# (not named `signed`: regopy 1.5.2 crashes when two packages define `signed` with different arities)
signed_for(s, roles) if {
	some a in lib.valid
	a.role in roles
	a.artifact_digest.sha256 == s.digest.sha256
}

# Claims for this artifact that do not count: the finding says which and why, not only "no valid".
claims_not_counted_for(s, roles) := concat("", [": not counted: ", concat("; ", reasons)]) if {
	reasons := {lib.not_counted_because(a) |
		some a in input.document.approvals
		a.role in roles
		lib.positive(a)
		a.artifact_digest.sha256 == s.digest.sha256
		not lib.counted(a)
	}
	count(reasons) > 0
} else := ""

bound_to(s) := concat("", ["sha256:", substring(s.digest.sha256, 0, 12), "..."]) if s.digest.sha256

bound_to(s) := "no digest, so nothing can be approved" if not s.digest.sha256

no_tier := [f |
	input.document.model # no model described: CMP-001 says so
	not input.document.model.risk_tier
	f := {
		"message": "the model has no risk tier, so the approvals it needs cannot be determined",
		"evidence": ["/model/risk_tier"],
	}
]
