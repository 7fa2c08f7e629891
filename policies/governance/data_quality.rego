# METADATA
# title: Development data has data quality evidence
# description: >-
#   ISO/IEC 42001 A.7.4: data quality requirements are defined and the data is shown to meet
#   them. Every dataset used for training, fine-tuning, pretraining or validation must record a
#   quality check (quality.checked, by the evaluation date) that passed (quality.passed). A
#   dataset that states no role may be development data: without a passed check it is a finding.
# custom:
#   id: GOV-040
#   severity: medium
#   controls:
#     - ISO-42001:A.7.4
package mlgov.rules.governance.data_quality

import data.mlgov.lib.governance as lib
import rego.v1

development := {"training", "fine-tuning", "pretraining", "validation"}

development_data(ds) if {
	some role in object.get(ds, "roles", [])
	role in development
}

checked(ds) if {
	ds.quality.checked.epoch_s <= lib.now
	ds.quality.passed == true
}

findings := [f |
	lib.in_force("ISO-42001:A.7.4")
	some i
	ds := lib.datasets[i]
	what := kind(ds)
	not checked(ds)
	f := {
		"message": concat("", ["dataset ", ds.id, " ", what, " with no passed data quality check recorded by the evaluation date (quality)"]),
		"evidence": [concat("", ["/datasets/", format_int(i, 10), "/quality"])],
	}
]

# Why a dataset needs the check: its role, or no role stated (it cannot be shown not to be
# development data). Undefined for a dataset whose roles are all outside development.
kind(ds) := "is development data" if {
	development_data(ds)
} else := "states no role (roles), so it cannot be shown not to be development data," if {
	count(object.get(ds, "roles", [])) == 0
}
