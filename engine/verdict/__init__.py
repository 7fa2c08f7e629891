"""Signed compliance verdicts: decide, attest (in-toto Statement in DSSE), verify."""

PREDICATE_TYPE = "https://mlgov.dev/attestations/compliance-verdict/v1"
VERIFIER_ID = "https://mlgov.dev/verifier"
