# METADATA
# title: Personal data is not kept after its purpose ended
# description: >-
#   GDPR Art. 5(1)(e): personal data is kept no longer than its purpose needs. Once the stated
#   purpose has ended, a dataset holding personal data must be erased or anonymised, unless a
#   legal hold applies. (When something still kept depends on it, RET-004 applies instead.) A
#   dataset that does not say whether it holds personal data once the purpose has ended is a
#   finding too (review: whether it must be erased cannot be established; never a purge).
# custom:
#   id: RET-003
#   severity: high
#   controls:
#     - GDPR:Art.5(1)(e)
#     - GDPR:Art.17
#     - ISO-42001:A.7.2
package mlgov.rules.retention.personal_data

import rego.v1

# The retention library by its full path, not an import alias: see lib.rego.

due := [x |
	not data.mlgov.lib.retention.hold
	ended := data.mlgov.lib.retention.facts.personal_data_purpose_ended
	ended.epoch_s <= input.as_of.epoch_s
	some i
	d := input.document.datasets[i]
	d.personal_data == true
	x := {"i": i, "d": d, "ended": ended.utc, "dependents": dependents(d.id)}
]

dependents(id) := [n.node |
	some n in object.get(input.document.lineage.downstream, concat("", ["dataset:", id]), [])
	startswith(n.node, "model:")
]

# Datasets that do not say whether they hold personal data (personal_data) once the purpose ended:
# not purged on a missing fact, and not passed either.
unstated := [x |
	not data.mlgov.lib.retention.hold
	ended := data.mlgov.lib.retention.facts.personal_data_purpose_ended
	ended.epoch_s <= input.as_of.epoch_s
	some i
	d := input.document.datasets[i]
	not is_boolean(object.get(d, "personal_data", null))
	x := {"i": i, "d": d, "ended": ended.utc}
]

findings := array.concat(purges, reviews)

reviews := [f |
	some x in unstated
	f := {
		"message": concat("", [
			"dataset ", object.get(x.d, "name", x.d.id), " does not say whether it holds personal data (personal_data), ",
			"and the purpose of the record's personal data ended on ", x.ended,
			": whether it must be erased cannot be established (review)",
		]),
		"evidence": [sprintf("/datasets/%d/personal_data", [x.i]), "/retention/personal_data_purpose_ended"],
		"subject": concat("", ["dataset:", x.d.id]),
		"details": {"action": "review", "since": x.ended},
	}
]

purges := [f |
	some x in due
	count(x.dependents) == 0
	f := {
		"message": concat("", [
			"dataset ", object.get(x.d, "name", x.d.id), " holds personal data whose purpose ended on ", x.ended,
			": erase or anonymise it (purge)",
		]),
		"evidence": [sprintf("/datasets/%d/personal_data", [x.i]), "/retention/personal_data_purpose_ended"],
		"subject": concat("", ["dataset:", x.d.id]),
		"details": {"action": "purge", "since": x.ended},
	}
]
