"""Tamper-evident audit log: an append-only Merkle tree (RFC 6962/9162) with signed checkpoints."""
