# METADATA
# title: A high-risk AI system has a current risk assessment
# description: >-
#   EU AI Act Art. 9 requires a risk management system for high-risk AI systems, run and
#   reviewed across the lifecycle. The document must list at least one risk assessment
#   (risk_management.assessments) completed by the evaluation date and still current: its
#   next review is after the evaluation date or, without one, it is no older than the pack's
#   risk_assessment_max_age_days. A model in EU scope without a risk tier cannot be classified.
# custom:
#   id: GOV-001
#   severity: high
#   controls:
#     - EU-AI-ACT:Art.9
package mlgov.rules.governance.risk_assessment

import data.mlgov.lib.governance as lib
import rego.v1

findings := array.concat(array.concat(missing, stale), unclassified)

applies if {
	lib.in_force("EU-AI-ACT:Art.9")
	lib.eu_high_risk
}

done := [a |
	some a in object.get(object.get(input.document, "risk_management", {}), "assessments", [])
	a.completed.epoch_s <= lib.now
]

current(a) if a.next_review.epoch_s > lib.now

current(a) if {
	not a.next_review
	lib.now - a.completed.epoch_s <= lib.params.risk_assessment_max_age_days * lib.day
}

missing := [f |
	applies
	count(done) == 0
	f := {
		"message": concat("", ["high-risk AI system ", lib.name, " has no completed risk assessment (risk_management.assessments)"]),
		"evidence": ["/risk_management"],
	}
]

stale := [f |
	applies
	count(done) > 0
	count([a | some a in done; current(a)]) == 0
	f := {
		"message": concat("", ["every risk assessment of ", lib.name, " is past its review date or older than ", format_int(lib.params.risk_assessment_max_age_days, 10), " days"]),
		"evidence": ["/risk_management/assessments"],
	}
]

unclassified := [f |
	lib.in_force("EU-AI-ACT:Art.9")
	"EU-AI-ACT" in lib.scope
	lib.tier == ""
	f := {
		"message": concat("", [lib.name, " is in EU AI Act scope without a risk tier, so whether Art. 9 applies cannot be established"]),
		"evidence": ["/model/risk_tier"],
	}
]
