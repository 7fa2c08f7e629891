# METADATA
# title: The model is registered in the model inventory
# description: >-
#   SR 11-7 (section VI) and SR 26-2 expect an inventory of the institution's models. A model in
#   scope of US model risk guidance must name its inventory entry (model.inventory.id), registered
#   by the evaluation date.
# custom:
#   id: GOV-010
#   severity: high
#   controls:
#     - SR-11-7:inventory
#     - SR-26-2:inventory
package mlgov.rules.governance.inventory

import data.mlgov.lib.governance as lib
import rego.v1

applies if lib.in_force("SR-11-7:inventory")

applies if lib.in_force("SR-26-2:inventory")

entry := object.get(lib.model, "inventory", {})

findings := array.concat(unregistered, later)

unregistered := [f |
	applies
	not entry.id
	f := {
		"message": concat("", ["model ", lib.name, " is not registered in a model inventory (model.inventory.id)"]),
		"evidence": ["/model/inventory"],
	}
]

later := [f |
	applies
	entry.id
	entry.registered.epoch_s > lib.now
	f := {
		"message": concat("", ["model ", lib.name, " was registered in the inventory only on ", entry.registered.utc, ", after the evaluation date"]),
		"evidence": ["/model/inventory/registered"],
	}
]
