# METADATA
# title: The latest monitoring evidence is recent and within its thresholds
# description: >-
#   For every planned metric of a deployed model, the most recent observation must meet the
#   plan's threshold and must not be overdue: one planned period (weekly, monthly, quarterly ...)
#   plus the pack's grace days, counted from the first deployment when nothing was observed yet.
#   A planned metric that cannot be judged (no name, threshold or operator, no date to count
#   from, an observation without a value or a date) is a finding that says what is missing.
# custom:
#   id: VAL-003
#   severity: high
#   controls:
#     - SR-11-7:monitoring
#     - EU-AI-ACT:Art.72
#     - FDA:post-market-monitoring
#     - ISO-42001:A.6.2.6
#     - NIST-AI-RMF:MEASURE-3.1
package mlgov.rules.validation.monitoring_evidence

import rego.v1

default params := {}

params := input.params.validation

now := input.as_of.epoch_s

deployed if {
	some d in input.document.deployments
	object.get(d, "status", "active") != "retired"
}

first_deployed := min([d.timestamp.epoch_s | some d in input.document.deployments; d.timestamp])

# Seconds after which a metric's next observation is overdue.
allowance(p) := (period + object.get(params, "grace_days", 14)) * 86400 if {
	period := object.get(object.get(params, "frequency_days", {}), lower(object.get(p, "frequency", "")),
		object.get(params, "default_frequency_days", 31))
}

findings := [f |
	deployed
	some i
	p := input.document.monitoring.plan[i]
	problem := issue(p)
	name := object.get(p, "metric", concat("", ["(plan entry ", p.id, ")"]))
	f := {
		"message": concat("", ["monitoring metric ", name, " ", problem]),
		"evidence": [sprintf("/monitoring/plan/%d", [i]), "/monitoring"],
		"subject": concat("", ["monitoring:", name]),
	}
]

observations(metric) := [e | some e in object.get(input.document.monitoring, "evidence", []); e.metric == metric]

latest(metric) := e if {
	obs := observations(metric)
	newest := max([o.observed.epoch_s | some o in obs])
	some e in obs
	e.observed.epoch_s == newest
}

judgeable(p) if {
	is_number(p.threshold)
	p.operator
}

# One problem per planned metric, the first that applies. What cannot be judged (no metric name,
# no threshold or operator, no date to count from, an observation without a value or a date) is
# reported as such: a plan nobody can check is not evidence that monitoring works.
issue(p) := "is not named in the plan: no observation can be matched to it" if {
	not p.metric
} else := "has no threshold and operator in the plan: its observations cannot be judged" if {
	not judgeable(p)
} else := "has no observation, and one was due" if {
	count(observations(p.metric)) == 0
	now - first_deployed > allowance(p)
} else := "has no observation, and no deployment date says since when one is due" if {
	count(observations(p.metric)) == 0
	not first_deployed
} else := "has observations, but none says when it was observed" if {
	count(observations(p.metric)) > 0
	not latest(p.metric)
} else := sprintf("was last observed %s: overdue for a %s metric", [e.observed.utc, object.get(p, "frequency", "periodic")]) if {
	e := latest(p.metric)
	now - e.observed.epoch_s > allowance(p)
} else := sprintf("was last observed %s without a value: it cannot be judged against its threshold", [e.observed.utc]) if {
	e := latest(p.metric)
	not is_number(object.get(e, "value", null))
} else := sprintf("is %v, outside its threshold %s %v (observed %s)", [value, operator, threshold, e.observed.utc]) if {
	e := latest(p.metric)
	value := e.value # bound before the negation: OPA and regorus agree only then (opa#1877)
	operator := p.operator
	threshold := p.threshold
	not within(value, operator, threshold)
}

within(v, ">=", t) if v >= t

within(v, ">", t) if v > t

within(v, "<=", t) if v <= t

within(v, "<", t) if v < t
