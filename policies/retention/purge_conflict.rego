# METADATA
# title: Nothing kept depends on data due for erasure
# description: >-
#   Erasing training data that a kept model still depends on (via lineage) leaves a record that
#   cannot be reproduced or explained, while keeping it may breach storage limitation. Someone
#   must decide: anonymise the data, or document the legal basis for keeping it.
# custom:
#   id: RET-004
#   severity: high
#   controls:
#     - GDPR:Art.5(1)(e)
#     - EU-AI-ACT:Art.10
#     - SR-11-7:documentation
#     - SR-26-2:documentation
#     - ISO-42001:A.7.2
package mlgov.rules.retention.purge_conflict

import rego.v1

# The retention library by its full path, not an import alias: see lib.rego.

findings := [f |
	data.mlgov.lib.retention.kept
	some x in data.mlgov.rules.retention.personal_data.due
	count(x.dependents) > 0
	f := {
		"message": concat("", [
			"dataset ", object.get(x.d, "name", x.d.id), " is due for erasure (personal data, purpose ended ", x.ended, ") but ",
			concat(", ", x.dependents), ", which is kept, depends on it: anonymise it or document why keeping it is lawful",
		]),
		"evidence": [sprintf("/datasets/%d/personal_data", [x.i]), "/retention/personal_data_purpose_ended", "/retention"],
		"subject": concat("", ["dataset:", x.d.id]),
	}
]
