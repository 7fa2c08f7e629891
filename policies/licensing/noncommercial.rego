# METADATA
# title: A commercial model is not built from non-commercial data or models
# description: >-
#   Non-commercial terms (CC-BY-NC-*, research-only terms such as ImageNet's) forbid commercial
#   use of the material and of what is made from it. The check follows lineage: data that
#   trained a base model the release was fine-tuned from counts too, and the finding names
#   the whole path.
# custom:
#   id: LIC-002
#   severity: critical
#   controls:
#     - EU-AI-ACT:Art.10
#     - ISO-42001:A.7.3
#     - ISO-42001:A.10.3
#     - NIST-AI-RMF:MAP-4.1
#   remediation: Remove the data (and retrain), obtain a commercial license, or restrict the model to non-commercial use.
package mlgov.rules.licensing.noncommercial

import data.mlgov.lib.licensing as lib
import rego.v1

findings := [f |
	input.document.model.intended_use.commercial == true
	some x in lib.licensed
	info := x.entity.license_info
	lib.binding(info, "noncommercial")
	f := {
		"message": concat("", [
			"commercial model ", object.get(input.document.model, "name", "(unnamed)"), " uses ", x.label, " under ",
			concat(" AND ", lib.carriers(info, "noncommercial")), ", which forbids commercial use; path: ", x.route,
		]),
		"evidence": [sprintf("%s/license", [x.ref]), "/model/intended_use/commercial"],
		"subject": x.subject,
	}
]
