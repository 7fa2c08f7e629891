package mlgov.rules.provenance.conflicts_test

import rego.v1

import data.mlgov.rules.provenance.conflicts as rule

test_each_conflict_is_a_finding if {
	doc := {"model": {"version": "1"}, "conflicts": [{"field": "/model/version", "kept": "1", "values": [{"value": "1"}, {"value": "2"}]}]}
	[f.message | some f in rule.findings] == ["sources disagree on /model/version: 2 different values"] with input as {"document": doc}
}

test_no_conflicts_passes if {
	count(rule.findings) == 0 with input as {"document": {"conflicts": []}}
}
