package mlgov.rules.provenance.subject_digest_test

import rego.v1

import data.mlgov.rules.provenance.subject_digest as rule

digest := {"sha256": "14b19a2da247b354c4b518f96f78ea98c27e6110c188cea5cf3522b5351834dc"}

test_artifact_without_digest_is_flagged if {
	doc := {"subjects": [{"id": "weights", "digest": digest}, {"id": "image"}]}
	rule.findings == [{"message": "artifact image has no sha256 digest", "evidence": ["/subjects/1/digest"]}] with input as {"document": doc}
}

test_all_digests_present_passes if {
	count(rule.findings) == 0 with input as {"document": {"subjects": [{"id": "weights", "digest": digest}]}}
}

test_no_subjects_passes if {
	count(rule.findings) == 0 with input as {"document": {"subjects": []}}
}
