# METADATA
# title: The intended use says whether it is commercial
# description: >-
#   Every licensing decision depends on whether the model is used commercially; a record that
#   does not say cannot be checked against non-commercial terms.
# custom:
#   id: LIC-008
#   severity: medium
#   controls:
#     - EU-AI-ACT:Art.13
#     - ISO-42001:A.6.2.2
package mlgov.rules.licensing.commercial_stated

import rego.v1

findings := [f |
	input.document.model # rules about a model do not apply to a record without one (CMP-001)
	not is_boolean(object.get(object.get(input.document.model, "intended_use", {}), "commercial", null))
	f := {
		"message": sprintf("model %s does not state whether its use is commercial", [object.get(input.document.model, "name", "(unnamed)")]),
		"evidence": ["/model/intended_use"],
	}
]
