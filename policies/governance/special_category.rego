# METADATA
# title: Special-category data rests on an Art. 9(2) condition
# description: >-
#   GDPR Art. 9: health, genetic, biometric and other special-category data may be processed
#   only under one of the conditions of Art. 9(2). A dataset with personal data in GDPR scope
#   must say whether it holds such data (special_category_data, or sensitive_data: false); one
#   that does (or is marked sensitive without saying otherwise) must name its condition
#   (special_category_condition, e.g. 9(2)(h)).
# custom:
#   id: GOV-031
#   severity: high
#   controls:
#     - GDPR:Art.9
package mlgov.rules.governance.special_category

import data.mlgov.lib.governance as lib
import data.mlgov.lib.sensitive
import rego.v1

findings := array.concat(unknown, unconditioned)

unknown := [f |
	lib.in_force("GDPR:Art.9")
	some i
	ds := lib.datasets[i]
	ds.personal_data == true
	not sensitive.stated(ds)
	f := {
		"message": concat("", ["dataset ", ds.id, " holds personal data without saying whether it includes special-category data (special_category_data)"]),
		"evidence": [concat("", ["/datasets/", format_int(i, 10), "/special_category_data"])],
	}
]

unconditioned := [f |
	lib.in_force("GDPR:Art.9")
	some i
	ds := lib.datasets[i]
	sensitive.special(ds)
	not ds.special_category_condition
	f := {
		"message": concat("", ["dataset ", ds.id, " holds special-category data without naming its GDPR Art. 9(2) condition (special_category_condition)"]),
		"evidence": [concat("", ["/datasets/", format_int(i, 10), "/special_category_condition"])],
	}
]
