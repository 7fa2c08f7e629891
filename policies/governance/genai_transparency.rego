# METADATA
# title: A generative system tells people it is AI and marks what it generates
# description: >-
#   EU AI Act Art. 50 (from 2026-08-02): people are informed that they interact with an AI
#   system, and synthetic output is marked as artificially generated in a machine-readable way.
#   For a generative model in EU scope (model.generative, or its task when that is not stated)
#   the document must state transparency.ai_disclosure: true and transparency.content_marking.
#   A model in EU scope that states neither model.generative nor its task may be generative: unless
#   it states both transparency facts, that is a finding too.
# custom:
#   id: GOV-004
#   severity: high
#   controls:
#     - EU-AI-ACT:Art.50
package mlgov.rules.governance.genai_transparency

import data.mlgov.lib.governance as lib
import rego.v1

transparency := object.get(input.document, "transparency", {})

applies if {
	lib.in_force("EU-AI-ACT:Art.50")
	"EU-AI-ACT" in lib.scope
	lib.generative
}

findings := array.concat(array.concat(disclosure, marking), undetermined)

disclosure := [f |
	applies
	not transparency.ai_disclosure == true
	f := {
		"message": concat("", ["generative system ", lib.name, " does not state that people are told they interact with an AI system (transparency.ai_disclosure)"]),
		"evidence": ["/transparency", lib.generative_evidence],
	}
]

marking := [f |
	applies
	not transparency.content_marking
	f := {
		"message": concat("", ["generative system ", lib.name, " does not state how its output is marked as AI-generated (transparency.content_marking)"]),
		"evidence": ["/transparency", lib.generative_evidence],
	}
]

transparent if {
	transparency.ai_disclosure == true
	transparency.content_marking
}

# Whether Art. 50 applies cannot be established when the model says neither whether it is
# generative nor its task; a model that states both transparency facts meets it either way.
undetermined := [f |
	lib.in_force("EU-AI-ACT:Art.50")
	"EU-AI-ACT" in lib.scope
	lib.kind_unstated
	not transparent
	f := {
		"message": concat("", ["system ", lib.name, " states neither whether it is generative (model.generative) nor its task (model.task), so whether Art. 50 requires AI disclosure and output marking cannot be established, and it states neither"]),
		"evidence": ["/model/generative", "/model/task", "/transparency"],
	}
]
