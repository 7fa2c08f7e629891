# METADATA
# title: A high-risk AI system has a post-market monitoring plan
# description: >-
#   EU AI Act Art. 72: providers of high-risk systems set up post-market monitoring under a
#   plan that is part of the technical documentation, so the plan must exist before the system
#   is placed on the market, deployed or not (VAL-002 checks deployed models of every regime).
# custom:
#   id: GOV-005
#   severity: high
#   controls:
#     - EU-AI-ACT:Art.72
package mlgov.rules.governance.post_market_plan

import data.mlgov.lib.governance as lib
import rego.v1

findings := [f |
	lib.in_force("EU-AI-ACT:Art.72")
	lib.eu_high_risk
	count(object.get(object.get(input.document, "monitoring", {}), "plan", [])) == 0
	f := {
		"message": concat("", ["high-risk AI system ", lib.name, " has no post-market monitoring plan (monitoring.plan)"]),
		"evidence": ["/monitoring"],
	}
]
