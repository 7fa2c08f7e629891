# METADATA
# title: Every released artifact is identified by its sha256 digest
# description: >-
#   A verdict and every approval bind to artifact digests; an artifact without one cannot be
#   verified by a deployment system and approving it approves nothing in particular.
# custom:
#   id: PRV-001
#   severity: critical
#   controls:
#     - EU-AI-ACT:Art.11
#     - ISO-42001:A.6.2.7
#     - 21-CFR-11:11.10(a)
#   remediation: List the file in the bundle (it is hashed) or state its digest.
package mlgov.rules.provenance.subject_digest

import rego.v1

findings := [f |
	some i
	s := input.document.subjects[i]
	not s.digest.sha256
	f := {
		"message": sprintf("artifact %s has no sha256 digest", [s.id]),
		"evidence": [sprintf("/subjects/%d/digest", [i])],
	}
]
