# METADATA
# title: No-derivatives material is not transformed
# description: >-
#   No-derivatives terms (CC-BY-ND-*) forbid distributing adapted material. A dataset that was
#   transformed (filtered, relabelled, mixed) or a base model that was fine-tuned is adapted.
# custom:
#   id: LIC-003
#   severity: high
#   controls:
#     - EU-AI-ACT:Art.10
#     - ISO-42001:A.7.3
#   remediation: Use the material unmodified, or obtain a license that permits adaptation.
package mlgov.rules.licensing.no_derivatives

import data.mlgov.lib.licensing as lib
import rego.v1

findings := [f |
	some x in lib.licensed
	adapted(x)
	info := x.entity.license_info
	lib.binding(info, "no_derivatives")
	f := {
		"message": concat("", [
			x.label, " is under ", concat(" AND ", lib.carriers(info, "no_derivatives")),
			" (no derivatives) but was adapted; path: ", x.route,
		]),
		"evidence": [sprintf("%s/license", [x.ref])],
		"subject": x.subject,
	}
]

adapted(x) if x.entity.transformed == true

adapted(x) if startswith(x.subject, "model:")
