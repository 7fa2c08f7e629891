# METADATA
# title: High-risk processing has a data protection impact assessment
# description: >-
#   GDPR Art. 35: processing likely to result in a high risk needs a DPIA before it starts. mlgov
#   treats as such: special-category data, a model whose risk tier is high or unacceptable trained
#   or tested on personal data, and personal data at or above dpia_large_scale_records records
#   (a pack default). The document must record data_protection.dpia.completed by the evaluation date.
#   Personal data of unstated size (records) cannot be shown not to be large-scale, so it counts.
# custom:
#   id: GOV-032
#   severity: high
#   controls:
#     - GDPR:Art.35
package mlgov.rules.governance.dpia

import data.mlgov.lib.governance as lib
import data.mlgov.lib.sensitive
import rego.v1

personal := [ds | some ds in lib.datasets; ds.personal_data == true]

reasons contains concat("", ["special-category data in ", ds.id]) if {
	some ds in personal
	sensitive.special(ds)
}

reasons contains concat("", ["risk tier ", lib.tier, " on personal data"]) if {
	lib.tier in ["high", "unacceptable"]
	count(personal) > 0
}

reasons contains concat("", ["large-scale personal data in ", ds.id, " (", format_int(ds.records, 10), " records)"]) if {
	some ds in personal
	ds.records >= lib.params.dpia_large_scale_records
}

reasons contains concat("", ["personal data of unstated size in ", ds.id, " (records: large scale cannot be ruled out)"]) if {
	some ds in personal
	not is_number(object.get(ds, "records", null))
}

record := object.get(object.get(input.document, "data_protection", {}), "dpia", {})

done if record.completed.epoch_s <= lib.now

findings := [f |
	lib.in_force("GDPR:Art.35")
	count(reasons) > 0
	not done
	f := {
		"message": concat("", ["no DPIA completed by the evaluation date (data_protection.dpia) although the processing is high-risk: ", concat("; ", sort([r | some r in reasons]))]),
		"evidence": ["/data_protection"],
	}
]
