# Helpers shared by the licensing rules: what a license obliges, and what a model is built from.
# Messages that embed a concat() result are built with concat, not sprintf: rego-cpp renders
# sprintf("%s", [concat(...)]) with quotes, which --cross-check reports as a disagreement.
package mlgov.lib.licensing

import rego.v1

default params := {}

params := input.params.licensing

# The pack's table, with the organisation's reviewed licenses (extra_license_terms) over it: a
# --params override of license_terms replaces the whole table, extra_license_terms adds to it.
table := object.union(object.get(params, "license_terms", {}), object.get(params, "extra_license_terms", {}))

# What the sources said about a LicenseRef (/licenses/<id>): name, text, declared and detected terms.
default document := {}

document := input.document

described(id) := object.get(object.get(document, "licenses", {}), id, {})

# Terms of one license id: the pack's table, what Creative Commons and RAIL ids say themselves,
# the terms a release bundle declares for its own license, and those its wording suggests.
terms(id) := sort({t |
	some t in array.concat(
		array.concat(object.get(table, id, []), pattern_terms(id)),
		array.concat(object.get(described(id), "terms", []), object.get(described(id), "detected_terms", [])),
	)
})

# Terms of every id the document's licenses name, computed once per evaluation (a complete rule
# is evaluated once; a function is not): the rules look ids up here.
document_ids contains id if {
	some entity in license_holders
	some alt in entity.license_info.alternatives
	some id in alt
}

license_holders := array.concat(
	array.concat([m | m := document.model], object.get(object.get(document, "model", {}), "base_models", [])),
	array.concat(object.get(document, "datasets", []), object.get(document, "components", [])),
)

term_map := {id: terms(id) | some id in document_ids}

terms_of(id) := term_map[id]

terms_of(id) := terms(id) if not term_map[id]

# A license's terms are known when the pack's table lists it (reviewed) or the release bundle
# declares them; a LicenseRef known only by its name or wording still needs review (LIC-012).
known(id) if object.get(table, id, null) != null

known(id) if described(id).terms_declared == true

# Terms that forbid commercial use of the material and of what is made from it.
commercial_bars := ["noncommercial", "research_only"]

term_label("noncommercial") := "non-commercial"

term_label("research_only") := "research-only"

term_label("no_derivatives") := "no-derivatives"

# How the release is used. Unknown counts as commercial: only a stated non-commercial use is not.
model := object.get(document, "model", {})

commercial_use := object.get(object.get(model, "intended_use", {}), "commercial", null)

use_word := "commercial" if commercial_use == true

use_word := "unstated (so counted as commercial)" if not is_boolean(commercial_use)

use_word_any := use_word if commercial_or_unknown

use_word_any := "non-commercial" if commercial_use == false

commercial_or_unknown if {
	is_object(input.document.model)
	commercial_use != false
}

# Where the finding points for the use: the stated flag, or the intended use (or model) lacking it.
use_evidence := "/model/intended_use/commercial" if is_boolean(commercial_use)

use_evidence := "/model/intended_use" if {
	not is_boolean(commercial_use)
	is_object(model.intended_use)
}

use_evidence := "/model" if not is_object(model.intended_use)

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
		term in terms_of(id)
	}
}

# The ids in the first alternative that carry the term, for messages.
carriers(info, term) := [id | some id in info.alternatives[0]; term in terms_of(id)]

# Some term of the list binds (e.g. non-commercial or research-only), and the first that does.
binding_any(info, list) := [t | some t in list; binding(info, t)]

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
