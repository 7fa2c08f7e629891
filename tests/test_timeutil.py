"""Timestamps: one RFC 3339 UTC form plus epoch seconds, whatever the source wrote."""

from __future__ import annotations

import pytest

from mlgov import InputError
from mlgov.timeutil import from_epoch_ms, normalize


@pytest.mark.parametrize(("written", "utc", "epoch"), [
    ("2026-11-05T09:12:00Z", "2026-11-05T09:12:00Z", 1793869920),
    ("2026-11-05T10:12:00+01:00", "2026-11-05T09:12:00Z", 1793869920),
    ("2026-11-05 09:12:00", "2026-11-05T09:12:00Z", 1793869920),  # naive: taken as UTC
    ("2026-11-05", "2026-11-05T00:00:00Z", 1793836800),
    ("2026-03-04T05:06:07.120+01:00", "2026-03-04T04:06:07.12Z", 1772597167),
])
def test_normalize(written, utc, epoch):
    assert normalize(written, "f", "/x") == {"utc": utc, "epoch_s": epoch}


def test_epoch_milliseconds():
    assert from_epoch_ms(1791784931000, "f", "/x") == {"utc": "2026-10-12T06:02:11Z", "epoch_s": 1791784931}


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01", 1793869920, None, "11/05/2026"])
def test_unparseable_timestamps_name_the_field(bad):
    with pytest.raises(InputError) as info:
        normalize(bad, "manifest.yaml", "/approvals/0/timestamp")
    assert str(info.value).startswith("manifest.yaml: /approvals/0/timestamp: ")
