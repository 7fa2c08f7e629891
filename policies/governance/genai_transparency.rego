# METADATA
# title: A generative system tells people it is AI and marks what it generates
# description: >-
#   EU AI Act Art. 50 (from 2026-08-02): people are informed that they interact with an AI
#   system, and synthetic output is marked as artificially generated in a machine-readable way.
#   For a generative model in EU scope (model.generative, or its task when that is not stated)
#   the document must state transparency.ai_disclosure: true and transparency.content_marking.
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

findings := array.concat(disclosure, marking)

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
