"""``mlgov approve``: sign a person's decision about the artifacts of a release.

The approval is bound to each approved artifact's sha256 (its subjects) and to the release
record the approver looked at (document id and content digest), so it cannot be carried to
other bytes or to changed metadata. The signing time is the clock's, not a claim.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..document.digest import content_digest
from ..errors import MlgovError
from ..normalize import normalize
from ..signing import approval
from ..signing.keys import Signer
from .attest import subjects as released_subjects


def approve(inputs: Sequence[str | Path], signer: Signer, name: str, role: str, decision: str, meaning: str,
            email: str | None = None, only: Sequence[str] = (), expires: datetime | None = None,
            signed_at: datetime | None = None, conditions: Sequence[str] = (),
            team: str | None = None) -> dict[str, Any]:
    """The signed approval envelope. ``only``: subject names to approve (default: every one)."""
    document = normalize(list(inputs))
    subjects = released_subjects(document)
    if only:
        unknown = sorted(set(only) - {s["name"] for s in subjects})
        if unknown:
            raise MlgovError(f"--subject: {', '.join(unknown)} is not a released artifact of "
                             f"{document['document_id']} (artifacts: {', '.join(s['name'] for s in subjects)})")
        subjects = [s for s in subjects if s["name"] in only]
    who = {k: v for k, v in (("name", name), ("email", email), ("team", team)) if v}
    when = signed_at or datetime.now(UTC).replace(microsecond=0)
    stmt = approval.statement(subjects, who, signer.keyid, role, decision, meaning, when,
                              document["document_id"], content_digest(document), expires, list(conditions))
    return approval.sign(stmt, signer)
