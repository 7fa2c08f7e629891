# METADATA
# title: Every dataset, base model and bundled component has a known license
# description: >-
#   Whether something may be used, and how, follows from its license. A missing license,
#   NOASSERTION, an unparseable expression or an id that is neither on the SPDX list nor a
#   LicenseRef- cannot be shown to permit anything.
# custom:
#   id: LIC-001
#   severity: high
#   controls:
#     - EU-AI-ACT:Art.10
#     - ISO-42001:A.7.5
#     - ISO-42001:A.10.3
#     - NIST-AI-RMF:GOVERN-6.1
#   remediation: State the license as an SPDX expression; use LicenseRef-<name> for agreements.
package mlgov.rules.licensing.known_license

import rego.v1

entities := array.concat(array.concat(
	[{"what": "dataset", "ptr": sprintf("/datasets/%d", [i]), "e": d, "subject": sprintf("dataset:%s", [d.id])} |
		some i
		d := input.document.datasets[i]
	],
	[{"what": "base model", "ptr": sprintf("/model/base_models/%d", [i]), "e": b, "subject": sprintf("model:%s", [b.id])} |
		some i
		b := input.document.model.base_models[i]
	],
), [{"what": "component", "ptr": sprintf("/components/%d", [i]), "e": c, "subject": sprintf("component:%s", [c.id])} |
	some i
	c := input.document.components[i]
])

findings := [f |
	some x in entities
	problem := issue(x.e)
	f := {
		"message": sprintf("%s %s %s", [x.what, object.get(x.e, "name", x.e.id), problem]),
		"evidence": [sprintf("%s/license", [x.ptr])],
		"subject": x.subject,
	}
]

issue(e) := "has no license" if not e.license

issue(e) := "has no license (NOASSERTION)" if e.license == "NOASSERTION"

issue(e) := sprintf("has a license that is not valid SPDX: %s (%s)", [e.license, e.license_info.reason]) if {
	e.license != "NOASSERTION"
	e.license_info.valid == false
}
