# METADATA
# title: No-derivatives material is not transformed
# description: >-
#   No-derivatives terms (CC-BY-ND-*) forbid distributing adapted material. A dataset that was
#   transformed (filtered, relabelled, mixed) or a base model that was fine-tuned is adapted. A
#   dataset that does not say whether it was transformed cannot be shown to keep the terms, and
#   is a finding that says so.
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
	info := x.entity.license_info
	lib.binding(info, "no_derivatives")
	problem := issue(x)
	f := {
		"message": concat("", [
			x.label, " is under ", concat(" AND ", lib.carriers(info, "no_derivatives")),
			" (no derivatives) ", problem, "; path: ", x.route,
		]),
		"evidence": [sprintf("%s/license", [x.ref]), evidence(x)],
		"subject": x.subject,
	}
]

# A dataset that does not say whether it was transformed is not taken as unmodified: what
# cannot be established is not compliant. (A bundled component is distributed as it is.)
issue(x) := "but was adapted" if {
	adapted(x)
} else := "and does not say whether it was adapted (transformed), so its terms cannot be shown to be kept" if {
	startswith(x.ref, "/datasets/")
	stated := object.get(x.entity, "transformed", null) # bound before the negation (opa#1877)
	not is_boolean(stated)
}

evidence(x) := concat("", [x.ref, "/transformed"]) if {
	startswith(x.ref, "/datasets/")
} else := x.ref

adapted(x) if x.entity.transformed == true

adapted(x) if startswith(x.subject, "model:")
