# METADATA
# title: Responsible-AI use restrictions are carried into the model's terms
# description: >-
#   OpenRAIL-style and similar licenses (Llama, Gemma) restrict how the model and its
#   derivatives may be used and require those restrictions to be passed on to every user. The
#   model's own license must itself carry use restrictions.
# custom:
#   id: LIC-005
#   severity: high
#   controls:
#     - EU-AI-ACT:Art.13
#     - EU-AI-ACT:Art.53
#     - ISO-42001:A.10.3
#     - NIST-AI-RMF:GOVERN-6.1
#   remediation: >-
#     License the model under terms that include the upstream use restrictions, and list the
#     license in the licensing pack's license_terms with use_restrictions.
package mlgov.rules.licensing.use_restrictions

import data.mlgov.lib.licensing as lib
import rego.v1

findings := [f |
	input.document.model # rules about a model do not apply to a record without one (CMP-001)
	some x in lib.licensed
	info := x.entity.license_info
	lib.binding(info, "use_restrictions")
	not model_restricts
	f := {
		"message": concat("", [
			x.label, " is under ", concat(" AND ", lib.carriers(info, "use_restrictions")),
			", whose use restrictions must pass to users, but the license of model ", object.get(input.document.model, "name", "(unnamed)"), " (",
			object.get(input.document.model, "license", "none"), ") does not carry them; path: ", x.route,
		]),
		"evidence": [sprintf("%s/license", [x.ref]), "/model/license"],
		"subject": x.subject,
	}
]

model_restricts if lib.binding(input.document.model.license_info, "use_restrictions")
