# METADATA
# title: Share-alike obligations are carried into the model's license
# description: >-
#   Share-alike (copyleft) terms require adaptations to be released under the same license.
#   Whether a model trained on share-alike data is an adaptation is unsettled, so this is a
#   finding to review: the model's own license should carry the same terms, or counsel should
#   record why not (as a waiver).
# custom:
#   id: LIC-004
#   severity: medium
#   controls:
#     - EU-AI-ACT:Art.53
#     - ISO-42001:A.10.3
#   remediation: License the model compatibly, or record counsel's reasoning in a waiver.
package mlgov.rules.licensing.share_alike

import data.mlgov.lib.licensing as lib
import rego.v1

findings := [f |
	input.document.model # rules about a model do not apply to a record without one (CMP-001)
	some x in lib.licensed
	info := x.entity.license_info
	lib.binding(info, "share_alike")
	some id in lib.carriers(info, "share_alike")
	not carried(id)
	f := {
		"message": concat("", [
			x.label, " is under ", id, " (share-alike) but model ", object.get(input.document.model, "name", "(unnamed)"), " is licensed ",
			object.get(input.document.model, "license", "(no license)"), "; path: ", x.route,
		]),
		"evidence": [sprintf("%s/license", [x.ref]), "/model/license"],
		"subject": x.subject,
	}
]

carried(id) if {
	some alt in input.document.model.license_info.alternatives
	id in alt
}
