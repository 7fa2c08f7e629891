# METADATA
# title: Automatically generated logs are kept at least six months
# description: >-
#   EU AI Act Art. 19(1) (providers) and Art. 26(6) (deployers) require the logs a high-risk
#   system generates to be kept for a period appropriate to its purpose, at least six months
#   (pack parameter min_log_retention_days, 183 days). The document must state
#   logging.retention_days.
# custom:
#   id: GOV-003
#   severity: high
#   controls:
#     - EU-AI-ACT:Art.19
package mlgov.rules.governance.log_retention

import data.mlgov.lib.governance as lib
import rego.v1

logging := object.get(input.document, "logging", {})

minimum := lib.params.min_log_retention_days

applies if {
	lib.in_force("EU-AI-ACT:Art.19")
	lib.eu_high_risk
}

findings := array.concat(unstated, short)

unstated := [f |
	applies
	not logging.retention_days
	f := {
		"message": concat("", ["how long the logs of high-risk system ", lib.name, " are kept is not stated (logging.retention_days; at least ", format_int(minimum, 10), " days)"]),
		"evidence": ["/logging"],
	}
]

short := [f |
	applies
	logging.retention_days < minimum
	f := {
		"message": concat("", ["logs of ", lib.name, " are kept ", format_int(logging.retention_days, 10), " days, less than the six months (", format_int(minimum, 10), " days) Art. 19 requires"]),
		"evidence": ["/logging/retention_days"],
	}
]
