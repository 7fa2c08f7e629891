"""Scheduled audits over a whole model inventory (retention first)."""
