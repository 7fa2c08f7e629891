# METADATA
# title: Personal data has a lawful basis
# description: >-
#   GDPR Art. 6(1): personal data is processed only on one of six bases (consent, contract,
#   legal obligation, vital interests, public task, legitimate interests). Every dataset in GDPR
#   scope must say whether it holds personal data, and one that does must name its basis in
#   lawful_basis (e.g. "Art. 6(1)(f) legitimate interest").
# custom:
#   id: GOV-030
#   severity: high
#   controls:
#     - GDPR:Art.6
package mlgov.rules.governance.lawful_basis

import data.mlgov.lib.governance as lib
import rego.v1

basis := `6 *\(1\) *\([a-f]\)|consent|contract|legal obligation|vital interest|public interest|public task|official authority|legitimate interest`

names_basis(ds) if regex.match(basis, lower(ds.lawful_basis))

findings := array.concat(unstated, without)

unstated := [f |
	lib.in_force("GDPR:Art.6")
	some i
	ds := lib.datasets[i]
	not lib.has_key(ds, "personal_data")
	f := {
		"message": concat("", ["dataset ", ds.id, " does not say whether it holds personal data (personal_data), so its lawful basis cannot be checked"]),
		"evidence": [concat("", ["/datasets/", format_int(i, 10), "/personal_data"])],
	}
]

without := [f |
	lib.in_force("GDPR:Art.6")
	some i
	ds := lib.datasets[i]
	ds.personal_data == true
	not names_basis(ds)
	f := {
		"message": concat("", ["dataset ", ds.id, " holds personal data without a lawful basis under GDPR Art. 6(1) (lawful_basis: ", object.get(ds, "lawful_basis", "not stated"), ")"]),
		"evidence": [concat("", ["/datasets/", format_int(i, 10), "/lawful_basis"])],
	}
]
