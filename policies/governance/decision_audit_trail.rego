# METADATA
# title: The release decision is recorded in a secure, time-stamped audit trail
# description: >-
#   21 CFR 11.10(e): the decision on an electronic record is kept in a secure, computer-generated,
#   time-stamped audit trail. mlgov knows whether this run's decision goes to its audit log
#   (mlgov gate --log, or MLGOV_LOG): a gate without one, and any mlgov eval, is not recorded.
# custom:
#   id: GOV-020
#   severity: high
#   controls:
#     - 21-CFR-11:11.10(e)
package mlgov.rules.governance.decision_audit_trail

import data.mlgov.lib.governance as lib
import rego.v1

findings := [f |
	lib.in_force("21-CFR-11:11.10(e)")
	not input.context.audit_log.recorded == true
	f := {
		"message": concat("", ["the decision on ", input.document.document_id, " is not recorded in an audit trail (run mlgov gate with --log or MLGOV_LOG)"]),
		"evidence": ["/model/regulatory_scope"],
	}
]
