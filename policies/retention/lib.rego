# Helpers shared by the retention rules: dispositions of the release record and of each artifact
# with its own retention class.
#
# The rule modules refer to these rules by full path (data.mlgov.lib.retention.x), not through
# `import ... as lib`: regorus evaluates every rule of a package referred to through an import
# alias, and most of these rules are not needed for most records (measured: 270 -> 205 us of
# engine time per inventory record, bench/audit_bench.py's documents).
package mlgov.lib.retention

import rego.v1

default params := {}

params := input.params.retention

now_ns := input.as_of.epoch_s * 1000000000

default facts := {}

facts := input.document.retention

classes := object.get(params, "retention_classes", {})

class := object.get(classes, facts.retention_class, null)

start := facts[class.from]

retired if facts.retired

# Legal holds that reach the record: its own, and any on a dataset it was built from (its datasets).
holds := array.concat(own_hold, dataset_holds)

own_hold := [{"reason": object.get(facts.legal_hold, "reason", "no reason given"), "source": source_of("/retention/legal_hold/active")} |
	facts.legal_hold.active == true
]

dataset_holds := [h |
	some i
	d := input.document.datasets[i]
	d.legal_hold.active == true
	h := {
		"reason": concat("", ["dataset ", object.get(d, "name", d.id), " under hold: ", object.get(d.legal_hold, "reason", "no reason given")]),
		"source": source_of(sprintf("/datasets/%d/legal_hold/active", [i])),
	}
]

# Decided without building `holds` (built only for the plan line of a held record).
hold if facts.legal_hold.active == true

hold if input.document.datasets[_].legal_hold.active == true

# Where a fact was read: "<source> <pointer>" from the document's provenance.
source_of(pointer) := concat(" ", [p.source, p.at]) if {
	p := input.document.provenance[pointer][0]
} else := "source not recorded"

# Registry evidence of use (an alias, stage Production or Staging): a record in use is never purged.
in_use_evidence := object.get(facts, "in_use", [])

registry_in_use if facts.in_use[0]

in_use if registry_in_use

in_use if {
	class.while_in_use == true
	not retired
}

# The disposition of an artifact under retention class `name`: the record's holds and use reach it.
decide(name) := {"action": "hold", "reason": concat("", ["legal hold: ", holds[0].reason]), "source": holds[0].source, "holds": holds} if {
	hold
} else := {"action": "keep", "reason": concat("", ["in use (", concat(", ", in_use_evidence), "); ", basis(name)])} if {
	registry_in_use
} else := {"action": "review", "reason": concat("", ["retention class ", name, " is not defined in the retention pack's parameters: say how long it is kept"])} if {
	name != ""
	not classes[name]
} else := {"action": "keep", "reason": concat("", ["in use; ", classes[name].basis])} if {
	classes[name].while_in_use == true
	not retired
} else := dated(classes[name], end_ns(classes[name])) if {
	end_ns(classes[name])
} else := {"action": "keep", "reason": "retention facts missing: kept until they are stated (never purged on missing facts)"}

dated(c, end) := {"action": "keep", "until": rfc3339(end), "reason": c.basis} if {
	now_ns < end
} else := {"action": c.then, "since": rfc3339(end), "reason": c.basis}

basis(name) := classes[name].basis

basis(name) := "retention class not stated or not defined" if not classes[name]

end_ns(c) := time.add_date(
	facts[c.from].epoch_s * 1000000000,
	object.get(c.keep, "years", 0), object.get(c.keep, "months", 0), object.get(c.keep, "days", 0),
)

# The one disposition of the release record: decide() for its own class, written out as rules
# because the record's disposition is on every document's hot path (rules are cached per query).
disposition := {"action": "hold", "reason": concat("", ["legal hold: ", holds[0].reason]), "source": holds[0].source, "holds": holds} if {
	hold
} else := {"action": "keep", "reason": concat("", ["in use (", concat(", ", in_use_evidence), "); ", record_basis])} if {
	registry_in_use
} else := {"action": "review", "reason": concat("", ["retention class ", facts.retention_class, " is not defined in the retention pack's parameters: say how long it is kept"])} if {
	class == null
} else := {"action": "keep", "reason": concat("", ["in use; ", class.basis])} if {
	in_use
} else := {"action": "keep", "until": rfc3339(record_end), "reason": class.basis} if {
	now_ns < record_end
} else := {"action": class.then, "since": rfc3339(record_end), "reason": class.basis} if {
	now_ns >= record_end
} else := {"action": "keep", "reason": "retention facts missing: kept until they are stated (never purged on missing facts)"}

record_end := end_ns(class)

default record_basis := "retention class not stated or not defined"

record_basis := class.basis

kept if disposition.action in ["keep", "hold", "archive"]

# RFC 3339 in UTC from nanoseconds. Not time.format: rego-cpp adds ".000000000" and regorus does not.
rfc3339(ns) := sprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", array.concat(time.date(ns), time.clock(ns)))
