# METADATA
# title: The release's own license permits how it is used
# description: >-
#   A model released under its own non-commercial, research-only or no-derivatives terms
#   (CC-BY-NC-*, a research license, a CustomLicense whose text says so) cannot go into a
#   commercial product, and a use that is not stated counts as commercial.
# custom:
#   id: LIC-010
#   severity: critical
#   controls:
#     - EU-AI-ACT:Art.13
#     - ISO-42001:A.10.3
#     - NIST-AI-RMF:MAP-4.1
#   remediation: >-
#     Obtain a commercial license from the licensor, or state and restrict the model to
#     non-commercial use (intended_use.commercial false).
package mlgov.rules.licensing.own_license_terms

import data.mlgov.lib.licensing as lib
import rego.v1

findings := [f |
	lib.commercial_or_unknown
	info := lib.model.license_info
	bars := lib.binding_any(info, ["noncommercial", "research_only", "no_derivatives"])
	count(bars) > 0
	term := bars[0]
	f := {
		"message": concat("", [
			"model ", object.get(lib.model, "name", "(unnamed)"), " is itself licensed under ",
			concat(" AND ", lib.carriers(info, term)), ", whose ", lib.term_label(term), " terms do not allow its use: ",
			lib.use_word,
		]),
		"evidence": ["/model/license", lib.use_evidence]
	}
]
