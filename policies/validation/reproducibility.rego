# METADATA
# title: Training runs record their environment and the checksums of their data
# description: >-
#   Reproducing a model needs the software environment (packages or container image) and
#   proof of exactly which data was used (a checksum per training dataset). Applies to runs
#   that trained something, as CMP-005 counts them: training parameters or a product recorded.
# custom:
#   id: VAL-004
#   severity: medium
#   controls:
#     - SR-11-7:development
#     - EU-AI-ACT:Art.11
#     - ISO-42001:A.6.2.3
#     - ISO-42001:A.7.5
#     - NIST-AI-RMF:MEASURE-2.1
package mlgov.rules.validation.reproducibility

import rego.v1

findings := [f |
	some i
	r := input.document.training_runs[i]
	trained(r)
	missing := [m | some m in gaps(r)]
	count(missing) > 0
	f := {
		"message": concat("", ["training run ", r.id, " does not record ", concat(" or ", missing)]),
		"evidence": [sprintf("/training_runs/%d", [i])],
		"subject": sprintf("run:%s", [r.id]),
	}
]

# A data-preparation job seen only in lineage records neither, and is not a training run.
trained(r) if r.parameters

trained(r) if r.produced

gaps(r) := array.concat(env_gap(r), checksum_gaps(r))

env_gap(r) := [] if {
	r.environment.packages
} else := [] if {
	r.environment.container_image
} else := ["its software environment"]

checksum_gaps(r) := [sprintf("a checksum of dataset %s", [d]) |
	some d in object.get(r, "datasets", [])
	not r.data_checksums[d]
]
