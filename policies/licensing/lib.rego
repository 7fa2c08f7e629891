# Helpers shared by the licensing rules: what a license obliges, and what a model is built from.
# Messages that embed a concat() result are built with concat, not sprintf: rego-cpp renders
# sprintf("%s", [concat(...)]) with quotes, which --cross-check reports as a disagreement.
package mlgov.lib.licensing

import rego.v1

default params := {}

params := input.params.licensing

# Terms of one license id: the pack's table plus what Creative Commons and RAIL ids say themselves.
terms(id) := array.concat(object.get(object.get(params, "license_terms", {}), id, []), pattern_terms(id))

pattern_terms(id) := [t |
	some t in ["noncommercial", "no_derivatives", "share_alike", "use_restrictions"]
	has_pattern(id, t)
]

has_pattern(id, "noncommercial") if regex.match(`^CC-BY(-[A-Z]+)*-NC(-|$)`, id)

has_pattern(id, "no_derivatives") if regex.match(`^CC-BY(-[A-Z]+)*-ND(-|$)`, id)

has_pattern(id, "share_alike") if regex.match(`^CC-BY(-[A-Z]+)*-SA(-|$)`, id)

# OpenRAIL family (bigscience-openrail-m, creativeml-openrail-m, ...); no (?i): rego-cpp rejects inline flags
has_pattern(id, "use_restrictions") if regex.match(`(^|[-_.])([Oo][Pp][Ee][Nn])?[Rr][Aa][Ii][Ll]([-_.]|$)`, id)

# A term binds when every alternative of the expression carries it (no licence choice avoids it).
binding(info, term) if {
	count(info.alternatives) > 0
	every alt in info.alternatives {
		some id in alt
		term in terms(id)
	}
}

# The ids in the first alternative that carry the term, for messages.
carriers(info, term) := [id | some id in info.alternatives[0]; term in terms(id)]

primary := input.document.lineage.primary

# Every dataset or model upstream of the released model, with the lineage path to it.
upstream := [u |
	some entry in object.get(input.document.lineage.upstream, primary, [])
	some node in input.document.lineage.nodes
	node.id == entry.node
	node.ref != ""
	node.kind in ["dataset", "model"]
	entity := resolve(node.ref)
	u := {"node": entry.node, "ref": node.ref, "entity": entity, "kind": node.kind, "route": route(entry)}
]

resolve(ref) := input.document.datasets[to_number(parts[2])] if {
	parts := split(ref, "/")
	parts[1] == "datasets"
}

resolve(ref) := input.document.model.base_models[to_number(parts[3])] if {
	parts := split(ref, "/")
	parts[1] == "model"
	count(parts) == 4
}

# (`some i; via := x[i]` rather than `some i, via in x`: rego-cpp rejects the latter in comprehensions)
route(entry) := concat("", array.concat([entry.path[0]], [step |
	some i
	via := entry.via[i]
	step := sprintf(" -[%s]-> %s", [via, entry.path[i + 1]])
]))

label(u) := sprintf("%s %s", [kind_name(u.kind), object.get(u.entity, "name", u.entity.id)])

kind_name("dataset") := "dataset"

kind_name("model") := "base model"

# Everything with a license the release depends on: upstream datasets and models, and components.
licensed := array.concat(
	[{"label": label(u), "ref": u.ref, "entity": u.entity, "subject": u.node, "route": u.route} | some u in upstream],
	[{"label": sprintf("component %s", [c.id]), "ref": sprintf("/components/%d", [i]), "entity": c,
	  "subject": sprintf("component:%s", [c.id]), "route": "bundled with the release"} |
		some i
		c := input.document.components[i]
	],
)
