# METADATA
# title: Lineage names only described artifacts
# description: >-
#   A dataset, run or model that lineage references but the record never describes has no
#   license, owner or retention facts, so nothing can be checked about it.
# custom:
#   id: PRV-004
#   severity: medium
#   controls:
#     - ISO-42001:A.7.5
#     - EU-AI-ACT:Art.10
#     - NIST-AI-RMF:MAP-4.1
package mlgov.rules.provenance.lineage_described

import rego.v1

findings := [f |
	some i
	n := input.document.lineage.nodes[i]
	n.ref == ""
	f := {
		"message": sprintf("lineage references %s, which the record does not describe", [n.id]),
		"evidence": [sprintf("/lineage/nodes/%d", [i])],
		"subject": n.id,
	}
]
