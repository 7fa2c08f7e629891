# Helpers shared by the approval rules.
package mlgov.lib.approvals

import rego.v1

default params := {}

params := input.params.approvals

now := input.as_of.epoch_s

# Digests of the released artifacts: an approval counts only for these exact bytes.
released := [s.digest.sha256 | some s in input.document.subjects; s.digest.sha256]

bound(a) if a.artifact_digest.sha256 in released

live(a) if {
	a.timestamp.epoch_s <= now
	not expired(a)
}

expired(a) if a.expires.epoch_s <= now

positive(a) if a.decision in ["approved", "conditional"]

# Approvals that count: positive, bound to a released artifact, given and not expired by the evaluation date.
valid := [a | some a in input.document.approvals; positive(a); bound(a); live(a)]

tier := input.document.model.risk_tier

required := object.get(object.get(params, "required_signoffs", {}), tier, {})

who(a) := object.get(object.get(a, "approver", {}), "name", object.get(object.get(a, "approver", {}), "email", "unknown approver"))

# Missing facts must not make a finding's message undefined (which would drop the finding).
role_of(a) := object.get(a, "role", "(no role)")

dated_of(a) := a.timestamp.utc if a.timestamp.utc
dated_of(a) := "an unstated date" if not a.timestamp.utc
