# METADATA
# title: The release states its own license
# description: >-
#   Users of a released model need to know what they may do with it, and the organisation must
#   know what it grants. No license, NOASSERTION, an expression that is not valid SPDX or an id
#   that is not on the SPDX list cannot be shown to permit anything: the release's own license
#   is judged like every upstream one.
# custom:
#   id: LIC-009
#   severity: high
#   controls:
#     - EU-AI-ACT:Art.13
#     - EU-AI-ACT:Art.53
#     - ISO-42001:A.10.3
#     - NIST-AI-RMF:GOVERN-6.1
#   remediation: >-
#     State the model's license (Hugging Face `license:`, CycloneDX `licenses`, SPDX
#     hasDeclaredLicense, bundle `model.license`) as an SPDX expression or LicenseRef-<name>.
package mlgov.rules.licensing.own_license

import data.mlgov.lib.licensing as lib
import rego.v1

findings := [f |
	is_object(input.document.model)
	problem := issue(lib.model)
	f := {
		"message": concat("", [
			"model ", object.get(lib.model, "name", "(unnamed)"), " ", problem, "; its use is ", lib.use_word_any,
		]),
		"evidence": ["/model/license"]
	}
]

issue(m) := "states no license" if not m.license

issue(m) := "states no license (NOASSERTION)" if m.license == "NOASSERTION"

issue(m) := sprintf("has a license that is not valid SPDX: %s (%s)", [m.license, m.license_info.reason]) if {
	m.license != "NOASSERTION"
	m.license_info.valid == false
}
