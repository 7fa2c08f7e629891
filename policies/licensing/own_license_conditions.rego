# METADATA
# title: The conditions of the release's own community license are reviewed
# description: >-
#   A model shipped under a community or responsible-AI license (Llama, Gemma, the OpenRAIL
#   family, ...) carries that license's conditions into the product: acceptable-use policies
#   and use restrictions to pass on to every user, user or revenue thresholds above which a
#   separate license is needed, attribution. Someone must confirm they hold for this use; list
#   the license in the pack's acknowledged_conditions once they have.
# custom:
#   id: LIC-011
#   severity: high
#   controls:
#     - EU-AI-ACT:Art.13
#     - EU-AI-ACT:Art.53
#     - ISO-42001:A.10.3
#     - NIST-AI-RMF:GOVERN-6.1
#   remediation: Review the conditions for this use, then add the license id to acknowledged_conditions (--params).
package mlgov.rules.licensing.own_license_conditions

import data.mlgov.lib.licensing as lib
import rego.v1

findings := [f |
	is_object(input.document.model)
	info := lib.model.license_info
	some alt in info.alternatives
	some id in alt
	count([t | some t in ["community_conditions", "use_restrictions"]; t in lib.terms_of(id)]) > 0
	not id in object.get(lib.params, "acknowledged_conditions", [])
	kinds := [label |
		some term in ["use_restrictions", "community_conditions", "user_threshold", "attribution"]
		term in lib.terms_of(id)
		label := condition_label[term]
	]
	f := {
		"message": concat("", [
			"model ", object.get(lib.model, "name", "(unnamed)"), " is itself released under ", id, ", whose ",
			concat(", ", kinds), " have not been reviewed for its use: ", lib.use_word_any,
		]),
		"evidence": ["/model/license"],
	}
]

condition_label := {
	"use_restrictions": "use restrictions (to pass on to users)",
	"community_conditions": "community conditions",
	"user_threshold": "user thresholds",
	"attribution": "attribution",
}
