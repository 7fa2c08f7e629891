# Which datasets hold special-category personal data, and whether that can be established.
package mlgov.lib.sensitive

import rego.v1

has_key(obj, key) if _ = obj[key]

# Special-category: stated, or marked sensitive without saying it is not special-category.
special(ds) if ds.special_category_data == true

special(ds) if {
	not has_key(ds, "special_category_data")
	ds.sensitive_data == true
}

# Whether the dataset's special-category status can be established.
stated(ds) if has_key(ds, "special_category_data")

stated(ds) if has_key(ds, "sensitive_data")
