"""Reports generated from a signed verdict (never from a re-evaluation), one module per format."""

FORMATS = ("html", "pdf", "md", "json", "sarif", "junit", "oscal")
