# METADATA
# title: No prohibited AI practice is released
# description: >-
#   EU AI Act Art. 5 (from 2025-02-02) prohibits certain AI practices outright. A model in EU
#   scope whose risk tier is "unacceptable" is one of them and cannot be released.
# custom:
#   id: GOV-006
#   severity: critical
#   controls:
#     - EU-AI-ACT:Art.5
package mlgov.rules.governance.prohibited_practice

import data.mlgov.lib.governance as lib
import rego.v1

findings := [f |
	lib.in_force("EU-AI-ACT:Art.5")
	"EU-AI-ACT" in lib.scope
	lib.tier == "unacceptable"
	f := {
		"message": concat("", [lib.name, " is classified as an unacceptable-risk (prohibited) AI practice"]),
		"evidence": ["/model/risk_tier"],
	}
]
