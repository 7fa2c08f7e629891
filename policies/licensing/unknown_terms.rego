# METADATA
# title: The terms of every LicenseRef are known
# description: >-
#   A LicenseRef- names an agreement that is not on the SPDX list. Unless the organisation has
#   recorded its terms (the pack's license_terms, or the release bundle's own licenses), nobody
#   can say whether it allows commercial use, derivatives or redistribution: terms unknown,
#   review required. A Hub id that names a license family (`cc`) needs the same review.
# custom:
#   id: LIC-012
#   severity: high
#   controls:
#     - EU-AI-ACT:Art.10
#     - ISO-42001:A.7.5
#     - ISO-42001:A.10.3
#     - NIST-AI-RMF:GOVERN-6.1
#   remediation: >-
#     Read the agreement and record its terms in the licensing pack's license_terms (--params),
#     or declare them in the release bundle's licenses section.
package mlgov.rules.licensing.unknown_terms

import data.mlgov.lib.licensing as lib
import rego.v1

holders := array.concat(
	[{"label": x.label, "ref": x.ref, "entity": x.entity, "subject": x.subject, "route": concat("", ["; path: ", x.route])} |
		some x in lib.licensed
	],
	[{"label": concat("", ["model ", object.get(lib.model, "name", "(unnamed)"), " (its own license)"]), "ref": "/model",
	  "entity": lib.model, "subject": input.document.document_id, "route": ""} |
		is_object(input.document.model)
	],
)

findings := [f |
	some h in holders
	ids := {id |
		some alt in h.entity.license_info.alternatives
		some id in alt
		needs_review(id)
	}
	some id in ids
	f := {
		"message": concat("", [h.label, " uses ", id, ": terms unknown, review required", wording(id), h.route]),
		"evidence": array.concat([sprintf("%s/license", [h.ref])], text_evidence(id)),
		"subject": h.subject,
	}
]

needs_review(id) if {
	startswith(id, "LicenseRef-")
	not lib.known(id)
}

needs_review(id) if "review_required" in lib.terms_of(id)

wording(id) := concat("", [" (its wording suggests: ", concat(", ", lib.described(id).detected_wording), ")"]) if {
	count(object.get(lib.described(id), "detected_wording", [])) > 0
}

wording(id) := "" if count(object.get(lib.described(id), "detected_wording", [])) == 0

text_evidence(id) := [sprintf("/licenses/%s", [id])] if input.document.licenses[id]

text_evidence(id) := [] if not input.document.licenses[id]
