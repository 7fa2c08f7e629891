# METADATA
# title: A deployed model has a monitoring plan with drift thresholds
# description: >-
#   SR 11-7 requires ongoing monitoring, the EU AI Act a post-market monitoring system
#   (Art. 72), FDA real-world performance monitoring: anything deployed needs a plan with at
#   least one drift metric and its threshold.
# custom:
#   id: VAL-002
#   severity: high
#   controls:
#     - SR-11-7:monitoring
#     - EU-AI-ACT:Art.72
#     - FDA:post-market-monitoring
#     - ISO-42001:A.6.2.6
#     - NIST-AI-RMF:MANAGE-4.1
package mlgov.rules.validation.monitoring_plan

import rego.v1

deployed := [d | some d in input.document.deployments; object.get(d, "status", "active") != "retired"]

drift_plans := [p |
	some p in input.document.monitoring.plan
	p.kind == "drift"
	is_number(p.threshold)
]

findings := [f |
	count(deployed) > 0
	count(drift_plans) == 0
	f := {
		"message": sprintf("model %s is deployed (%d deployments) without a monitoring plan that sets a drift threshold", [
			object.get(input.document.model, "name", "(unnamed)"), count(deployed),
		]),
		"evidence": ["/monitoring", "/deployments"],
	}
]
