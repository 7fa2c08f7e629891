"""Trusted verification keys, each optionally valid only within a time window.

```yaml
apiVersion: mlgov.dev/v1
kind: TrustedKeys
keys:
  - name: ci-signing-2026
    public_key: keys/ci-2026.pub.pem      # relative to this file, or inline PEM
    not_before: 2026-01-01
    not_after: 2027-01-01
```
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from .. import timeutil
from ..document.schema import validate
from ..safeio import parse_yaml, read_bounded
from .keys import KeyError_, PublicKey, key_id, key_type, load_public


@dataclass(frozen=True)
class TrustedKey:
    name: str
    key: PublicKey
    not_before: datetime | None = None
    not_after: datetime | None = None

    @property
    def keyid(self) -> str:
        return key_id(self.key)

    def valid_at(self, moment: datetime) -> bool:
        return (self.not_before is None or self.not_before <= moment) and (
            self.not_after is None or moment < self.not_after)


def load_trust(path: Path) -> list[TrustedKey]:
    raw = read_bounded(path)
    data = parse_yaml(raw.text(), raw.display)
    validate(data, "trusted-keys", raw.display)
    out = []
    for i, entry in enumerate(data["keys"]):
        text = entry["public_key"]
        if "-----BEGIN" in text:
            try:
                key = serialization.load_pem_public_key(text.encode())
            except ValueError:
                raise KeyError_(f"{raw.display}: /keys/{i}/public_key: not a PEM public key") from None
            key_type(key)
        else:
            key = load_public(Path(path).parent / text)
        window = {f: timeutil.to_datetime(entry[f], raw.display, f"/keys/{i}/{f}")
                  for f in ("not_before", "not_after") if f in entry}
        out.append(TrustedKey(entry.get("name", key_id(key)), key, **window))
    return out
