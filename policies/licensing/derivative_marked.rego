# METADATA
# title: A model marked as one of a licensed family states that licence or its base model
# description: >-
#   A model whose tags or name place it in a model family under a licence that binds the family
#   and its derivatives (Llama 2 and later, Gemma, DeepFloyd IF), but that is neither licensed
#   under it nor states a base model, cannot be checked against that licence: the lineage that
#   would carry its terms is missing, and the licence the model states (often MIT or
#   Apache-2.0, or none) may not be its to grant. Found on real cards: Nous-Hermes-Llama2-70B
#   declares MIT, tagged llama-2, no base_model; Llama 2 re-uploads tagged llama-2 state no
#   licence at all.
# custom:
#   id: LIC-013
#   severity: high
#   controls:
#     - EU-AI-ACT:Art.53
#     - ISO-42001:A.10.3
#     - NIST-AI-RMF:GOVERN-6.1
#   remediation: >-
#     License the model under the family's licence if it is one of the family's models; state
#     the base model (Hugging Face `base_model:`, CycloneDX pedigree ancestors, SPDX
#     descendantOf, bundle `model.base_models`) so its licence is checked, or remove the marker
#     if the model does not derive from that family.
package mlgov.rules.licensing.derivative_marked

import rego.v1

model := object.get(input.document, "model", {})

markers := object.get(object.get(input.params, "licensing", {}), "derivative_markers", {})

stated := object.get(model, "license_info", {"alternatives": []}).alternatives

# Hub-style tags (a list); an MLflow registry's tags are a map of its own and mark nothing here.
tags := [t |
	listed := object.get(object.get(model, "extra", {}), "tags", [])
	is_array(listed)
	some t in listed
	is_string(t)
]

# Each family the model is marked with, once: by its tags (exact), else by the longest marker
# inside its name ("llama-3.1" in a name also contains "llama-3": the longer one is meant).
marked[family] := {"by": concat("", ["tag ", sort(named)[0]]), "pointer": "/model/extra/tags"} if {
	some family in {markers[lower(t)] | some t in tags}
	named := [t | some t in tags; markers[lower(t)] == family]
}

marked[family] := {"by": concat("", ["its name ", model.name]), "pointer": "/model/name"} if {
	name := lower(object.get(model, "name", ""))
	found := [m | some m; markers[m]; contains(name, m)] # `some k, v in x` fails on rego-cpp in comprehensions
	count(found) > 0
	longest := max({count(m) | some m in found})
	family := markers[sort([m | some m in found; count(m) == longest])[0]]
	count({markers[lower(t)] | some t in tags}) == 0
}

findings := [f |
	is_object(input.document.model)
	count(object.get(model, "base_models", [])) == 0
	some family
	evidence := marked[family]
	not family in {id | some alt in stated; some id in alt}
	f := {
		"message": concat("", [
			"model ", object.get(model, "name", "(unnamed)"), " is marked as a model of the family under ",
			family, " (", evidence.by, ") but is not licensed under it and states no base model: whether ",
			family, " binds it cannot be established, and its own licence (",
			object.get(model, "license", "none stated"), ") may not be its to grant",
		]),
		"evidence": [evidence.pointer, "/model/base_models"],
	}
]
