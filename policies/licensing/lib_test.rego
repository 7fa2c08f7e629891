package mlgov.lib.licensing_test

import rego.v1

import data.mlgov.lib.licensing as lib

test_creative_commons_terms_come_from_the_id if {
	lib.terms("CC-BY-NC-SA-4.0") == ["noncommercial", "share_alike"]
	lib.terms("CC-BY-ND-4.0") == ["no_derivatives"]
	lib.terms("CC-BY-4.0") == []
}

test_openrail_family_is_recognised if {
	"use_restrictions" in lib.terms("LicenseRef-bigscience-openrail-m")
	"use_restrictions" in lib.terms("LicenseRef-creativeml-openrail-m")
	not "use_restrictions" in lib.terms("LicenseRef-trail-mix")
}

test_a_term_binds_only_if_every_alternative_has_it if {
	lib.binding({"alternatives": [["CC-BY-NC-4.0", "MIT"]]}, "noncommercial")
	not lib.binding({"alternatives": [["CC-BY-NC-4.0"], ["MIT"]]}, "noncommercial")
	not lib.binding({"alternatives": []}, "noncommercial")
}

test_table_terms_apply_with_params if {
	lib.terms("LicenseRef-x") == ["noncommercial"] with input as {"params": {"licensing": {"license_terms": {"LicenseRef-x": ["noncommercial"]}}}}
}

test_route_names_every_hop if {
	lib.route({"path": ["dataset:a", "model:b", "model:c"], "via": ["trains", "base_of"]}) == "dataset:a -[trains]-> model:b -[base_of]-> model:c"
}
