# METADATA
# title: Provenance attestations are authenticated (when the policy requires it)
# description: >-
#   With the pack parameter require_authenticated_provenance, every fact read from inside a
#   signed envelope (in-toto/SLSA in DSSE or a Sigstore bundle) must come from an envelope
#   verified against a key trusted for inputs (--input-key / --input-trust), and the release
#   must have such provenance at all: an unverified claim about how a model was built is not
#   evidence. A verified statement whose predicate mlgov does not read (an SBOM, a SLSA
#   look-alike) authenticates its subjects, not how the model was built: it is not enough.
# custom:
#   id: PRV-005
#   severity: high
#   controls:
#     - ISO-42001:A.6.2.7
#     - 21-CFR-11:11.10(a)
#   remediation: >-
#     Pass the key that signs your build provenance with --input-key (or --input-trust), and
#     include the signed provenance (a DSSE envelope or Sigstore bundle) in the bundle.
package mlgov.rules.provenance.authenticated

import rego.v1

required if input.params.provenance.require_authenticated_provenance == true

# [source path, reason] of every envelope whose facts are not verified
unverified contains [e.source, object.get(e.signature, "reason", "not verified")] if {
	required
	some pointer, i
	e := input.document.provenance[pointer][i]
	e.signature.status != "verified"
}

# a verified claim mlgov reads: the subjects and the record of a statement it does not read
# (PRV-006/007) come from every statement, so alone they are not provenance
verified_somewhere if {
	some pointer, i
	input.document.provenance[pointer][i].signature.status == "verified"
	not startswith(pointer, "/subjects/")
	not startswith(pointer, "/unread_statements/")
}

findings := array.concat(
	[f |
		some item in unverified
		some i
		input.document.sources[i].path == item[0]
		f := {
			"message": sprintf("provenance from %s is not authenticated: %s", [item[0], item[1]]),
			"evidence": [sprintf("/sources/%d", [i])],
		}
	],
	[f |
		required
		not verified_somewhere
		count(unverified) == 0
		f := {
			"message": "no authenticated provenance: no input attestation whose claims mlgov reads was verified with a trusted input key",
			"evidence": ["/provenance"],
		}
	],
)
