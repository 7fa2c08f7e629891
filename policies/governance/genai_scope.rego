# METADATA
# title: A generative or agentic model is outside SR 26-2 and needs its own governance
# description: >-
#   SR 26-2 states that generative and agentic AI are outside its scope. A model of that kind in
#   scope of US model risk guidance is not made compliant by the SR 26-2 controls: this finding
#   says so, so that the roll-up cannot show it as satisfied. Govern it under the institution's
#   own AI risk framework and waive this finding with that reference.
# custom:
#   id: GOV-013
#   severity: medium
#   controls:
#     - SR-26-2:model-scope
package mlgov.rules.governance.genai_scope

import data.mlgov.lib.governance as lib
import rego.v1

kinds contains "generative" if lib.generative

kinds contains "agentic" if lib.agentic

findings := array.concat(outside, undetermined)

outside := [f |
	lib.in_force("SR-26-2:model-scope")
	count(kinds) > 0
	f := {
		"message": concat("", ["model ", lib.name, " is ", concat(" and ", sort([k | some k in kinds])), " AI, which SR 26-2 places outside its scope: its controls are no evidence of compliance; govern it under a separate AI risk framework"]),
		"evidence": ["/model"],
	}
]

# A model that states neither whether it is generative nor its task may be outside SR 26-2's
# scope: that cannot be established, so it is not left to pass silently.
undetermined := [f |
	lib.in_force("SR-26-2:model-scope")
	count(kinds) == 0
	lib.kind_unstated
	f := {
		"message": concat("", ["model ", lib.name, " states neither whether it is generative (model.generative) nor its task (model.task), so whether it is within SR 26-2's scope cannot be established"]),
		"evidence": ["/model/generative", "/model/task"],
	}
]
