# Helpers shared by the approval rules, and what counts as an approval for any pack: the
# governance pack loads this module too (its pack.yaml `libraries`), so there is one definition.
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

# Authenticated by the gate against the approver policy it was given (mlgov.signing.authenticate).
authenticated(a) if a.authentication.status == "authenticated"

# Signed approvals are required: by parameter (gate --require-signed-approvals), by the
# model's regulatory scope (21 CFR Part 11 by default) or risk tier, or because an approver
# policy was given.
# The signing parameters are read from every loaded pack that declares them (approvals, and
# governance, which counts validations when loaded alone): the strictest one applies.
signed_required if {
	some p in input.params
	p.require_signed_approvals == true
}

signed_required if {
	some scope in input.document.model.regulatory_scope
	some p in input.params
	scope in object.get(p, "signed_approvals_for_scopes", [])
}

signed_required if {
	some p in input.params
	input.document.model.risk_tier in object.get(p, "signed_approvals_for_tiers", [])
}

signed_required if {
	some a in input.document.approvals
	a.authentication.policy
}

# An approval counts when it is positive, bound to a released artifact, given and not
# expired by the evaluation date, and authenticated whenever signed approvals are required.
# Every rule that counts approvals must use `counted` (or `valid`, the list of them).
counted(a) if {
	positive(a)
	bound(a)
	live(a)
	authenticated_if_required(a)
}

authenticated_if_required(a) if authenticated(a)

authenticated_if_required(_) if not signed_required

valid := [a | some a in input.document.approvals; counted(a)]

# Why a claimed approval does not count, as a phrase for a finding's message.
not_counted_because(a) := concat("", [
	"the ", role_of(a), " approval by ", who(a), " on ", dated_of(a), " ", concat(" and ", reasons_not_counted(a)),
])

# Why a positive approval does not count (empty when it counts), for findings that must say so.
reasons_not_counted(a) := [r | some r in [unbound_reason(a), timing_reason(a), authentication_reason(a)]; r != ""]

unbound_reason(a) := "" if {
	bound(a)
} else := concat("", ["is bound to sha256:", substring(a.artifact_digest.sha256, 0, 12), "..., not to a released artifact"]) if {
	a.artifact_digest.sha256
} else := "is not bound to any artifact digest"

timing_reason(a) := "" if {
	live(a)
} else := concat("", ["expired ", object.get(a.expires, "utc", "before the evaluation date")]) if {
	expired(a)
} else := "is dated after the evaluation date" if {
	a.timestamp.epoch_s > now
} else := "has no date"

authentication_reason(a) := "" if {
	authenticated_if_required(a)
} else := concat("", [
	"is not authenticated although signed approvals are required (",
	object.get(object.get(a, "authentication", {}), "reason", "no approver policy checked it"), ")",
])

# Released artifacts that must each carry the required approvals bound to their own digest.
deployable := [s |
	some s in input.document.subjects
	not object.get(s, "kind", "other") in object.get(params, "approval_exempt_kinds", [])
]

tier := input.document.model.risk_tier

required := object.get(object.get(params, "required_signoffs", {}), tier, {})

who(a) := object.get(identity(a), "name", object.get(identity(a), "email", "unknown approver"))

# The person an approval is from: the approver policy's identity of the signer when the
# signature was authenticated, otherwise the identity the approval claims.
identity(a) := a.authentication.signer if authenticated(a)

identity(a) := object.get(a, "approver", {}) if not authenticated(a)

# Missing facts must not make a finding's message undefined (which would drop the finding).
role_of(a) := object.get(a, "role", "(no role)")

dated_of(a) := a.timestamp.utc if a.timestamp.utc
dated_of(a) := "an unstated date" if not a.timestamp.utc
