# METADATA
# title: The model has a materiality tier
# description: >-
#   SR 26-2 scales model risk management to materiality (the model's exposure and its purpose):
#   without a tier the depth and frequency of validation cannot be decided. A model in scope
#   must state model.materiality (high, moderate or low).
# custom:
#   id: GOV-011
#   severity: high
#   controls:
#     - SR-26-2:materiality
package mlgov.rules.governance.materiality

import data.mlgov.lib.governance as lib
import rego.v1

findings := [f |
	lib.in_force("SR-26-2:materiality")
	not lib.model.materiality
	f := {
		"message": concat("", ["model ", lib.name, " has no SR 26-2 materiality tier (model.materiality: high, moderate or low), so the validation it needs cannot be decided"]),
		"evidence": ["/model/materiality"],
	}
]
