# METADATA
# title: An FDA device model has a predetermined change control plan
# description: >-
#   FDA's guidance on predetermined change control plans for AI-enabled device software
#   functions lets planned model changes ship without a new submission only within a PCCP
#   (description of modifications, modification protocol, impact assessment).
# custom:
#   id: VAL-005
#   severity: medium
#   controls:
#     - FDA:pccp
#     - ISO-42001:A.6.2.2
package mlgov.rules.validation.pccp

import rego.v1

findings := [f |
	"FDA" in object.get(input.document.model, "regulatory_scope", [])
	not input.document.documentation.pccp.present
	f := {
		"message": sprintf("model %s is in FDA scope but its record has no predetermined change control plan", [object.get(input.document.model, "name", "(unnamed)")]),
		"evidence": ["/documentation"],
	}
]
