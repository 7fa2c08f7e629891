# METADATA
# title: Sources agree on every fact
# description: >-
#   When two inputs state different values for one fact, the record keeps the first and
#   lists the disagreement; until someone resolves it, the kept value is not evidence.
# custom:
#   id: PRV-003
#   severity: high
#   controls:
#     - ISO-42001:A.7.5
#     - SR-11-7:documentation
#     - EU-AI-ACT:Art.11
#   remediation: Correct the source that is wrong, or state the fact in the bundle manifest.
package mlgov.rules.provenance.conflicts

import rego.v1

findings := [f |
	some i
	c := input.document.conflicts[i]
	f := {
		"message": sprintf("sources disagree on %s: %d different values", [c.field, count(c.values)]),
		"evidence": array.concat(field_evidence(c.field), [sprintf("/conflicts/%d", [i])]),
	}
]

# The conflicting fact as evidence only when it is a pointer into this document (a record
# built by mlgov always is; a hand-made one may name anything, and the finding must stand).
field_evidence(ptr) := [ptr] if has_parent(ptr)

field_evidence(ptr) := [] if not has_parent(ptr)

seg(s) := to_number(s) if regex.match(`^[0-9]+$`, s)

seg(s) := s if not regex.match(`^[0-9]+$`, s)

container(x) if is_object(x)

container(x) if is_array(x)

has_parent(ptr) if {
	regex.match(`^/[^/~]*$`, ptr)
}

has_parent(ptr) if {
	regex.match(`^(/[^/~]*){2}$`, ptr)
	p := split(ptr, "/")
	container(input.document[seg(p[1])])
}

has_parent(ptr) if {
	regex.match(`^(/[^/~]*){3}$`, ptr)
	p := split(ptr, "/")
	container(input.document[seg(p[1])][seg(p[2])])
}

has_parent(ptr) if {
	regex.match(`^(/[^/~]*){4}$`, ptr)
	p := split(ptr, "/")
	container(input.document[seg(p[1])][seg(p[2])][seg(p[3])])
}

has_parent(ptr) if {
	regex.match(`^(/[^/~]*){5}$`, ptr)
	p := split(ptr, "/")
	container(input.document[seg(p[1])][seg(p[2])][seg(p[3])][seg(p[4])])
}
