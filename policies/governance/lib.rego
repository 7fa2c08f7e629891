# Helpers shared by the governance rules.
package mlgov.lib.governance

import rego.v1

default params := {}

params := input.params.governance

now := input.as_of.epoch_s

day := 86400

model := object.get(input.document, "model", {})

scope := object.get(model, "regulatory_scope", [])

tier := object.get(model, "risk_tier", "")

name := object.get(model, "name", input.document.document_id)

# A control is checked only while it is in force for this model on the evaluation date (catalog data).
in_force(key) if key in object.get(object.get(input, "context", {}), "controls_in_force", [])

eu_high_risk if {
	"EU-AI-ACT" in scope
	tier == "high"
}

# Generative: stated, or (when not stated) inferred from the model's task.
generative if model.generative == true

generative if {
	not has_key(model, "generative")
	model.task in object.get(params, "generative_tasks", [])
}

# Where the generative fact comes from, for a finding's evidence.
generative_evidence := "/model/generative" if {
	has_key(model, "generative")
} else := "/model/task"

agentic if model.agentic == true

# Neither model.generative nor a task says what kind of model this is: whether it is generative
# (EU AI Act Art. 50, outside SR 26-2) cannot be established, which rules report, not skip.
kind_unstated if {
	not has_key(model, "generative")
	not model.task
}

has_key(obj, key) if _ = obj[key]

datasets := object.get(input.document, "datasets", [])
