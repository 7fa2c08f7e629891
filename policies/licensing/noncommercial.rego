# METADATA
# title: A commercial model is not built from non-commercial data or models
# description: >-
#   Non-commercial terms (CC-BY-NC-*, research-only terms such as ImageNet's) forbid commercial
#   use of the material and of what is made from it. A model counts as commercial unless its
#   intended use states it is not (unknown is not compliant). The check follows lineage: data
#   that trained a base model the release was fine-tuned from counts too, and the finding names
#   the material and the whole path.
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
	lib.commercial_or_unknown
	some x in lib.licensed
	info := x.entity.license_info
	bars := lib.binding_any(info, lib.commercial_bars)
	count(bars) > 0
	f := {
		"message": concat("", [
			"model ", object.get(lib.model, "name", "(unnamed)"), " (use: ", lib.use_word, ") uses ", x.label, " under ",
			concat(" AND ", lib.carriers(info, bars[0])), ", whose ", lib.term_label(bars[0]),
			" terms forbid commercial use; path: ", x.route,
		]),
		"evidence": [sprintf("%s/license", [x.ref]), lib.use_evidence],
		"subject": x.subject,
	}
]
