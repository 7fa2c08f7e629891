# Helpers shared by the retention rules: the release record's retention class and disposition.
package mlgov.lib.retention

import rego.v1

default params := {}

params := input.params.retention

now_ns := input.as_of.epoch_s * 1000000000

default facts := {}

facts := input.document.retention

hold if facts.legal_hold.active == true

class := object.get(object.get(params, "retention_classes", {}), facts.retention_class, null)

start := facts[class.from]

retired if facts.retired

in_use if {
	class.while_in_use == true
	not retired
}

end_ns := time.add_date(
	start.epoch_s * 1000000000,
	object.get(class.keep, "years", 0), object.get(class.keep, "months", 0), object.get(class.keep, "days", 0),
)

# The one disposition of the release record, first rule that applies wins.
disposition := {"action": "hold", "reason": concat("", ["legal hold: ", object.get(facts.legal_hold, "reason", "no reason given")])} if {
	hold
} else := {"action": "keep", "reason": concat("", ["in use; ", class.basis])} if {
	in_use
} else := {"action": "keep", "until": rfc3339(end_ns), "reason": class.basis} if {
	now_ns < end_ns
} else := {"action": class.then, "since": rfc3339(end_ns), "reason": class.basis} if {
	now_ns >= end_ns
} else := {"action": "keep", "reason": "retention facts missing: kept until they are stated (never purged on missing facts)"}

kept if disposition.action in ["keep", "hold", "archive"]

# RFC 3339 in UTC from nanoseconds. Not time.format: rego-cpp adds ".000000000" and regorus does not.
rfc3339(ns) := sprintf("%04d-%02d-%02dT%02d:%02d:%02dZ", array.concat(time.date(ns), time.clock(ns)))
