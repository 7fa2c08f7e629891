# METADATA
# title: The model is re-reviewed as its materiality requires and when a trigger occurs
# description: >-
#   SR 26-2 replaces a de-facto annual validation cycle with re-review at a frequency set by
#   materiality and on explicit triggers. A model in scope needs a validation (an approval by a
#   validator role that counts as the approvals pack defines it: approved or conditional, bound
#   to a released artifact, given by the evaluation date and not expired, authenticated whenever
#   signed approvals are required) no older than revalidation_days for its materiality, and a new
#   one after a trigger: retraining after the last validation, or monitoring evidence outside its
#   threshold observed after it. A claimed validation that does not count is named with the reason.
#   An observation is judged by its own threshold, else its metric's in the monitoring plan; one
#   that cannot be judged (no value, no threshold) or is undated, and a training run with no end
#   date, cannot rule a trigger out and is a finding that says so.
# custom:
#   id: GOV-012
#   severity: high
#   controls:
#     - SR-26-2:revalidation
package mlgov.rules.governance.revalidation

import data.mlgov.lib.governance as lib
import rego.v1

applies if {
	lib.in_force("SR-26-2:revalidation")
	lib.model.materiality
}

# Validation claims: positive approvals by a validator role, whether or not they count.
claims := [i |
	some i
	a := input.document.approvals[i]
	a.role in lib.params.validator_roles
	data.mlgov.lib.approvals.positive(a)
]

# What counts is data.mlgov.lib.approvals.counted (the approvals pack's library, loaded with this
# pack through pack.yaml `libraries`): one definition for every pack.
validations := [a.timestamp.epoch_s |
	some i in claims
	a := input.document.approvals[i]
	data.mlgov.lib.approvals.counted(a)
]

last := max(validations) if count(validations) > 0

limit := lib.params.revalidation_days[lib.model.materiality]

findings := array.concat(array.concat(none, none_counted), array.concat(overdue, array.concat(array.concat(retrained, undated_runs), breached)))

none := [f |
	applies
	count(claims) == 0
	f := {
		"message": concat("", ["model ", lib.name, " (materiality ", lib.model.materiality, ") has no validation on record"]),
		"evidence": ["/approvals"],
	}
]

# Claims exist but none counts: say which and why, not only that no validation is on record.
none_counted := [f |
	applies
	count(claims) > 0
	count(validations) == 0
	f := {
		"message": concat("", [
			"model ", lib.name, " (materiality ", lib.model.materiality, ") has no validation that counts: ",
			concat("; ", {validation_not_counted(input.document.approvals[i]) | some i in claims}), # one per validation, not per artifact signed
		]),
		"evidence": [sprintf("/approvals/%d", [i]) | some i in claims],
	}
]

validation_not_counted(a) := concat("", [
	"the validation by ", data.mlgov.lib.approvals.who(a), " on ", data.mlgov.lib.approvals.dated_of(a), " ",
	concat(" and ", data.mlgov.lib.approvals.reasons_not_counted(a)),
])

overdue := [f |
	applies
	lib.now - last > limit * lib.day
	f := {
		"message": concat("", ["the last validation of ", lib.name, " is older than the ", format_int(limit, 10), " days its materiality (", lib.model.materiality, ") allows"]),
		"evidence": ["/approvals"],
	}
]

retrained := [f |
	applies
	some i
	run := input.document.training_runs[i]
	run.ended.epoch_s > last
	run.ended.epoch_s <= lib.now
	f := {
		"message": concat("", ["re-review triggered: training run ", run.id, " ended ", run.ended.utc, ", after the last validation"]),
		"evidence": [concat("", ["/training_runs/", format_int(i, 10)])],
	}
]

# A run that trained something (parameters or a product, as CMP-005 counts it) with no end date
# cannot be shown to precede the last validation: the retraining trigger cannot be ruled out.
undated_runs := [f |
	applies
	count(validations) > 0
	some i
	run := input.document.training_runs[i]
	trained(run)
	not run.ended.epoch_s
	f := {
		"message": concat("", ["re-review cannot be ruled out: training run ", run.id, " has no end date (ended), so it cannot be shown to precede the last validation"]),
		"evidence": [concat("", ["/training_runs/", format_int(i, 10), "/ended"])],
	}
]

trained(run) if count(object.get(run, "parameters", {})) > 0

trained(run) if run.produced

# The threshold an observation is judged by: its own, else its metric's in the monitoring plan.
limits(e) := {"operator": e.operator, "threshold": e.threshold} if {
	e.operator
	is_number(e.threshold)
} else := planned[0] if {
	planned := [{"operator": p.operator, "threshold": p.threshold} |
		some p in object.get(input.document.monitoring, "plan", [])
		p.metric == e.metric
		p.operator
		is_number(p.threshold)
	]
	count(planned) > 0
}

outside(v, ">=", t) if v < t

outside(v, ">", t) if v <= t

outside(v, "<=", t) if v > t

outside(v, "<", t) if v >= t

# One verdict per observation: a breach, or why it cannot be judged (no value, no threshold in
# the observation or the plan). Undefined when it is within its threshold.
judgement(e) := "has no value, so it cannot be judged against its threshold" if {
	not is_number(object.get(e, "value", null))
} else := "has no threshold and operator, in the observation or the monitoring plan, so it cannot be judged" if {
	not limits(e)
} else := "was outside its threshold" if {
	l := limits(e)
	value := e.value # bound before any negation (opa#1877)
	outside(value, l.operator, l.threshold)
}

# When an observation counts as a trigger: observed after the last validation, or undated (it
# cannot be shown to precede it).
timing(e) := concat("", [" on ", e.observed.utc, ", after the last validation"]) if {
	e.observed.epoch_s > last
	e.observed.epoch_s <= lib.now
} else := " with no observation date, so it cannot be shown to precede the last validation" if {
	count(validations) > 0
	not e.observed.epoch_s
}

breached := [f |
	applies
	some i
	e := input.document.monitoring.evidence[i]
	when := timing(e)
	problem := judgement(e)
	lead := prefix(problem)
	f := {
		"message": concat("", [lead, "monitoring metric ", object.get(e, "metric", e.id), " ", problem, when]),
		"evidence": [concat("", ["/monitoring/evidence/", format_int(i, 10)])],
	}
]

prefix(problem) := "re-review triggered: " if {
	problem == "was outside its threshold"
} else := "re-review cannot be ruled out: "
