package mlgov.rules.provenance.dataset_license_test

import rego.v1

import data.mlgov.rules.provenance.dataset_license as rule

test_missing_and_noassertion_are_flagged if {
	doc := {"datasets": [{"id": "a"}, {"id": "b", "license": "MIT"}, {"id": "c", "license": "NOASSERTION"}]}
	subjects := [f.subject | some f in rule.findings] with input as {"document": doc}
	subjects == ["dataset:a", "dataset:c"]
}

test_known_licenses_pass if {
	doc := {"datasets": [{"id": "a", "license": "CC-BY-4.0"}, {"id": "b", "license": "LicenseRef-internal"}]}
	count(rule.findings) == 0 with input as {"document": doc}
}
