# METADATA
# title: Third-party models are identified well enough to be reviewed
# description: >-
#   SR 11-7 (section V) and SR 26-2 hold vendor and third-party models to the same standards.
#   What mlgov can check is the precondition: each base model the release builds on names its
#   supplier and pins the exact version (a version or a digest), so the vendor model reviewed is
#   the one used. Whether its documentation and limitations were reviewed stays a judgment.
# custom:
#   id: GOV-014
#   severity: medium
#   controls:
#     - SR-11-7:vendor
#     - SR-26-2:third-party
package mlgov.rules.governance.third_party_models

import data.mlgov.lib.governance as lib
import rego.v1

applies if lib.in_force("SR-11-7:vendor")

applies if lib.in_force("SR-26-2:third-party")

pinned(bm) if bm.version

pinned(bm) if bm.digest.sha256

findings := array.concat(unnamed, unpinned)

unnamed := [f |
	applies
	some i
	bm := lib.model.base_models[i]
	not bm.supplier
	f := {
		"message": concat("", ["base model ", bm.id, " does not name its supplier (supplier)"]),
		"evidence": [concat("", ["/model/base_models/", format_int(i, 10), "/supplier"])],
	}
]

unpinned := [f |
	applies
	some i
	bm := lib.model.base_models[i]
	not pinned(bm)
	f := {
		"message": concat("", ["base model ", bm.id, " is pinned by neither a version nor a digest, so the model reviewed may not be the one used"]),
		"evidence": [concat("", ["/model/base_models/", format_int(i, 10)])],
	}
]
