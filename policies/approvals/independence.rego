# METADATA
# title: Validation is independent of the model's authors
# description: >-
#   Effective challenge needs a validator who did not build the model: not one of its
#   developers or trainers, and not from their team when the team is known. For a signed,
#   authenticated approval the person is the one the approver policy gives the signing key
#   to, whatever name the approval entry claims. When independence cannot be judged (no author
#   named by name or email, a validator approval that names no person) that is a finding.
# custom:
#   id: APR-002
#   severity: high
#   controls:
#     - SR-11-7:validation
#     - ISO-42001:A.6.2.4
#     - NIST-AI-RMF:GOVERN-2.1
package mlgov.rules.approvals.independence

import data.mlgov.lib.approvals as lib
import rego.v1

authors := array.concat(
	object.get(input.document.model, "developers", []),
	[r.trained_by | some r in input.document.training_runs; r.trained_by],
)

findings := array.concat(array.concat(conflicts, unknown_authors), unidentified)

conflicts := [f |
	some i
	a := input.document.approvals[i]
	a.role in object.get(lib.params, "validator_roles", [])
	reasons := [r | some author in authors; r := conflict(lib.identity(a), author)]
	count(reasons) > 0
	f := {
		"message": concat("", ["validator ", lib.who(a), " is not independent: ", reasons[0]]),
		"evidence": [sprintf("/approvals/%d/%s", [i, person_field(a)])],
		"subject": sprintf("approval:%s", [a.id]),
	}
]

conflict(v, author) := "they are also an author or trainer of the model" if same_person(v, author)

conflict(v, author) := concat("", ["same team (", v.team, ") as author ", object.get(author, "name", "?")]) if {
	not same_person(v, author)
	v.team
	v.team == author.team
}

same_person(v, author) if {
	v.email
	lower(v.email) == lower(author.email)
}

same_person(v, author) if {
	v.name
	lower(v.name) == lower(author.name)
}

person_field(a) := "authentication/signer" if lib.authenticated(a)

person_field(a) := "approver" if not lib.authenticated(a)

# Unknown is not compliant: with no developer or trainer recorded, independence cannot be shown.
# Authors who can be compared with a validator: named by name or email. A developer entry with
# neither (a team alone) identifies nobody to compare.
comparable := [author | some author in authors; identified(author)]

identified(p) if p.name

identified(p) if p.email

unknown_authors := [f |
	input.document.model
	count(comparable) == 0
	some i
	a := input.document.approvals[i]
	a.role in object.get(lib.params, "validator_roles", [])
	f := {
		"message": concat("", [
			"validator ", lib.who(a), " cannot be shown to be independent: the record names no developer or trainer of the model (by name or email)",
		]),
		"evidence": [sprintf("/approvals/%d/approver", [i]), "/model/developers"],
		"subject": sprintf("approval:%s", [a.id]),
	}
]

# A validator approval that names no person (no name or email, nor an authenticated signer)
# cannot be compared with the authors at all.
unidentified := [f |
	count(comparable) > 0
	some i
	a := input.document.approvals[i]
	a.role in object.get(lib.params, "validator_roles", [])
	who := person(a) # bound before the negation (opa#1877)
	not identified(who)
	f := {
		"message": concat("", [
			"the ", a.role, " approval ", a.id, " cannot be shown to be independent: it names no person (name or email) to compare with the model's developers and trainers",
		]),
		"evidence": [sprintf("/approvals/%d/%s", [i, person_field(a)])],
		"subject": sprintf("approval:%s", [a.id]),
	}
]

person(a) := p if {
	p := lib.identity(a)
} else := {}
