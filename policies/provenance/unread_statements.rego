# METADATA
# title: Every in-toto statement in the record is read
# description: >-
#   An in-toto Statement whose predicateType mlgov does not read (an SBOM, a vulnerability
#   scan, a test result, a custom type) still identifies artifacts by its subjects, but none
#   of its claims is used: a reviewer must not assume that, say, a vulnerability scan shipped
#   with the release was checked. Medium, not blocking by default: every rule asks for the
#   facts it needs, so ignoring a statement never turns a finding into a pass (the in-toto
#   monotonic principle); what is lost is a claim nobody evaluated. A statement that looks like
#   SLSA provenance is PRV-007's (high).
# custom:
#   id: PRV-006
#   severity: medium
#   controls:
#     - ISO-42001:A.6.2.7
#     - NIST-AI-RMF:MAP-4.1
#   remediation: >-
#     Review the statement's claims yourself and waive this finding with the review as reason,
#     or leave the statement out of the release record if it is not evidence for this release.
package mlgov.rules.provenance.unread_statements

import rego.v1

findings := [f |
	some i
	s := input.document.unread_statements[i]
	s.why in {"unsupported", "unknown"}
	where := object.get(input.document.provenance, sprintf("/unread_statements/%d/predicate_type", [i]), [{}])[0]
	f := {
		"message": sprintf("%s (%s): %s; its subjects identify artifacts, its claims are not read", [
			object.get(where, "source", "an input"), object.get(where, "at", "?"), _what(s),
		]),
		"evidence": [sprintf("/unread_statements/%d", [i])],
		"subject": s.id,
	}
]

_what(s) := sprintf("a %s statement (predicateType %s), a type mlgov does not read", [s.known_as, s.predicate_type]) if {
	s.why == "unsupported"
	s.known_as
}

_what(s) := sprintf("a statement of unknown predicateType %s", [s.predicate_type]) if s.why == "unknown"

_what(s) := sprintf("a statement of predicateType %s, a type mlgov does not read", [s.predicate_type]) if {
	s.why == "unsupported"
	not s.known_as
}
