# METADATA
# title: Automatic event logging is declared for the system
# description: >-
#   EU AI Act Art. 12 requires high-risk AI systems to record events automatically over their
#   lifetime; ISO/IEC 42001 A.6.2.8 asks for event logs at least while the system is in use.
#   The document must declare logging.automatic: true.
# custom:
#   id: GOV-002
#   severity: high
#   controls:
#     - EU-AI-ACT:Art.12
#     - ISO-42001:A.6.2.8
package mlgov.rules.governance.event_logging

import data.mlgov.lib.governance as lib
import rego.v1

logging := object.get(input.document, "logging", {})

reasons contains "EU AI Act Art. 12 (high-risk system)" if {
	lib.in_force("EU-AI-ACT:Art.12")
	lib.eu_high_risk
}

reasons contains "ISO/IEC 42001 A.6.2.8" if lib.in_force("ISO-42001:A.6.2.8")

findings := [f |
	count(reasons) > 0
	not logging.automatic == true
	f := {
		"message": concat("", ["automatic event logging is not declared for ", lib.name, " (logging.automatic), as ", concat(" and ", sort([r | some r in reasons])), " require"]),
		"evidence": ["/logging"],
	}
]
