# METADATA
# title: Build provenance uses a predicateType SLSA defines
# description: >-
#   A statement whose predicateType or predicate looks like SLSA provenance but is not
#   https://slsa.dev/provenance/v1 or /v0.2 exactly (a misspelling such as /v1.0, a draft such
#   as /v1?draft, http://, a custom type with SLSA's shape) is not read: type URIs are compared
#   exactly and mlgov does not guess a predicate's meaning. The build claims the producer meant
#   to give (builder, inputs, source commit) are therefore not established, and a verifier that
#   matches the type exactly (as mlgov does) rejects them too. High: the release's provenance
#   is silently incomplete otherwise, and a signed look-alike would still look like
#   authenticated provenance because its subjects are read.
# custom:
#   id: PRV-007
#   severity: high
#   controls:
#     - ISO-42001:A.6.2.7
#     - 21-CFR-11:11.10(a)
#   remediation: >-
#     Have the builder write predicateType https://slsa.dev/provenance/v1 (or /v0.2 for the
#     older format) and re-issue the attestation.
package mlgov.rules.provenance.slsa_lookalike

import rego.v1

findings := [f |
	some i
	s := input.document.unread_statements[i]
	s.why == "slsa-lookalike"
	where := object.get(input.document.provenance, sprintf("/unread_statements/%d/predicate_type", [i]), [{}])[0]
	f := {
		"message": sprintf(
			"%s (%s): predicateType %s looks like SLSA provenance but is not https://slsa.dev/provenance/v1 or /v0.2; its build claims were not read",
			[object.get(where, "source", "an input"), object.get(where, "at", "?"), s.predicate_type],
		),
		"evidence": [sprintf("/unread_statements/%d", [i])],
		"subject": s.id,
	}
]
