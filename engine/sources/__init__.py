"""Readers of the formats teams really use; each turns one input into facts."""
