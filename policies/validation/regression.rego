# METADATA
# title: No regression against the champion or baseline beyond the declared tolerance
# description: >-
#   A new version should not be worse than the model it replaces (champion) or the agreed
#   baseline by more than the tolerance declared for the metric (0 when none is declared). A
#   metric with a reference but no direction or no value cannot be judged, and says so.
# custom:
#   id: VAL-001
#   severity: high
#   controls:
#     - SR-11-7:validation
#     - EU-AI-ACT:Art.15
#     - FDA:performance-validation
#     - ISO-42001:A.6.2.4
#     - NIST-AI-RMF:MEASURE-2.3
package mlgov.rules.validation.regression

import rego.v1

findings := array.concat(array.concat(regressions, undirected), unvalued)

regressions := [f |
	some i, j
	e := input.document.evaluations[i]
	m := e.metrics[j]
	some reference in ["champion", "baseline"]
	ref := m[reference]
	is_boolean(m.higher_is_better)
	worse(m, ref)
	f := {
		"message": sprintf("metric %s of evaluation %s is %v against a %s of %v (tolerance %v)", [
			m.id, e.id, m.value, reference, ref, object.get(m, "tolerance", 0),
		]),
		"evidence": [sprintf("/evaluations/%d/metrics/%d", [i, j])],
		"subject": sprintf("evaluation:%s", [e.id]),
	}
]

worse(m, ref) if {
	m.higher_is_better == true
	m.value < ref - object.get(m, "tolerance", 0)
}

worse(m, ref) if {
	m.higher_is_better == false
	m.value > ref + object.get(m, "tolerance", 0)
}

# Unknown is not compliant: a metric compared with a reference but with no direction cannot be judged.
undirected := [f |
	some i, j
	e := input.document.evaluations[i]
	m := e.metrics[j]
	some reference in ["champion", "baseline"]
	is_number(m[reference])
	not is_boolean(object.get(m, "higher_is_better", null)) # OPA: `not f(x.missing)` is not true
	f := {
		"message": sprintf("metric %s of evaluation %s has a %s but no direction (higher_is_better), so a regression cannot be judged", [
			m.id, e.id, reference,
		]),
		"evidence": [sprintf("/evaluations/%d/metrics/%d/higher_is_better", [i, j])],
		"subject": sprintf("evaluation:%s", [e.id]),
	}
]

# A reference and a direction but no measured value: the comparison cannot be made, which is not
# evidence that the new version is as good (an unmeasured metric would otherwise vanish here).
unvalued := [f |
	some i, j
	e := input.document.evaluations[i]
	m := e.metrics[j]
	some reference in ["champion", "baseline"]
	is_number(m[reference])
	is_boolean(object.get(m, "higher_is_better", null))
	not is_number(object.get(m, "value", null))
	f := {
		"message": sprintf("metric %s of evaluation %s has a %s of %v but no value, so a regression cannot be judged", [
			m.id, e.id, reference, m[reference],
		]),
		"evidence": [sprintf("/evaluations/%d/metrics/%d/value", [i, j])],
		"subject": sprintf("evaluation:%s", [e.id]),
	}
]
