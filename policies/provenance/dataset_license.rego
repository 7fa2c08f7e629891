# METADATA
# title: Every dataset has a known license
# description: >-
#   Whether data may be used, and for what, follows from its license; a dataset with no
#   license, or one stated as NOASSERTION, cannot be shown to be usable.
# custom:
#   id: PRV-002
#   severity: high
#   controls:
#     - EU-AI-ACT:Art.10
#     - ISO-42001:A.7.5
#     - NIST-AI-RMF:MAP-4.1
#   remediation: State the dataset's license as an SPDX expression (LicenseRef-... for agreements).
package mlgov.rules.provenance.dataset_license

import rego.v1

findings := [f |
	some i
	d := input.document.datasets[i]
	not known(d)
	f := {
		"message": sprintf("dataset %s has no known license", [d.id]),
		"evidence": [sprintf("/datasets/%d/license", [i])],
		"subject": sprintf("dataset:%s", [d.id]),
	}
]

known(d) if {
	d.license
	d.license != "NOASSERTION"
}
