"""One timestamp form for every document: RFC 3339 in UTC plus integer epoch seconds.

Rego engines disagree on parsing RFC 3339 (regopy returns undefined for a trailing ``Z``),
so policies compare ``epoch_s`` and never parse strings themselves.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from .errors import InputError

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def to_datetime(value: object, display: str, pointer: str | None) -> datetime:
    """Parse a timestamp as written in metadata. Naive times are taken as UTC."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        try:
            if _DATE_ONLY.match(text):
                dt = datetime.fromisoformat(text + "T00:00:00")
            else:
                dt = datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
        except ValueError:
            raise InputError(display, f"not an RFC 3339 timestamp: {value!r}", pointer) from None
    else:
        raise InputError(display, f"expected an RFC 3339 timestamp, got {type(value).__name__}", pointer)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    try:
        return dt.astimezone(UTC)
    except OverflowError:  # 9999-12-31T23:00-05:00 is after the last representable instant
        raise InputError(display, f"timestamp out of range in UTC: {value!r}", pointer) from None


def normalize(value: object, display: str, pointer: str | None) -> dict:
    return from_datetime(to_datetime(value, display, pointer))


def from_epoch_ms(ms: int | float | str, display: str, pointer: str) -> dict:
    try:
        seconds = int(ms) / 1000
    except (TypeError, ValueError, OverflowError):
        raise InputError(display, f"not an epoch-milliseconds timestamp: {ms!r}", pointer) from None
    try:
        return from_datetime(datetime.fromtimestamp(seconds, tz=UTC))
    except (ValueError, OverflowError, OSError):  # before year 1 or after 9999
        raise InputError(display, f"epoch-milliseconds timestamp out of range: {ms!r}", pointer) from None


def from_datetime(dt: datetime) -> dict:
    dt = dt.astimezone(UTC)
    text = dt.strftime("%Y-%m-%dT%H:%M:%S")
    if dt.microsecond:
        text += f".{dt.microsecond:06d}".rstrip("0")
    return {"utc": text + "Z", "epoch_s": int(dt.timestamp() // 1)}


def parse_utc(stamp: dict) -> datetime:
    """Inverse of :func:`from_datetime` for documents we already validated."""
    return datetime.fromisoformat(stamp["utc"])
