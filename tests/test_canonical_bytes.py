"""The document digest's canonical JSON: orjson with RFC 8785 floats spliced in must write exactly
the bytes of the reference implementation (``rfc8785``) or leave the value to it. Generated values
cover what differs between the two: floats (ECMAScript form), keys beyond the Basic Multilingual
Plane (sorted by UTF-16 code unit), integers beyond 2**53, lone surrogates, control characters."""

from __future__ import annotations

import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from mlgov.document.digest import canonical_bytes

CHARS = st.sampled_from(["a", "Z", "é", "\x00", "\x1f", "\x7f", '"', "\\", "/", "\u2028", "\ue000", "\uffff",
                         "\U0001d11e", "\U0010ffff", "\ud800", " "])
TEXT = st.one_of(st.text(max_size=6), st.lists(CHARS, max_size=5).map("".join))
SCALARS = st.one_of(
    st.none(), st.booleans(), TEXT,
    st.integers(min_value=-(2**60), max_value=2**60), st.sampled_from([2**53 - 1, -(2**53 - 1), 2**53]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e21, 1e-7, 1e20, 123456789.125, 5e-324, 1.7976931348623157e308, 0.1]),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(TEXT, inner, max_size=4)), max_leaves=30)


def _reference(value):
    try:
        return rfc8785.dumps(value)
    except Exception as exc:  # the same error type must come out of both
        return type(exc)


def _ours(value):
    try:
        return canonical_bytes(value)
    except Exception as exc:
        return type(exc)


@settings(max_examples=500, deadline=None)
@given(VALUES)
def test_same_bytes_as_the_reference(value):
    assert _ours(value) == _reference(value)


@pytest.mark.parametrize("value", [
    {"b": 1, "a": [1.0, 1e21, 1e-7, -0.0, 0.1]},
    {"\ue000": 1, "\U0001d11e": 2},   # UTF-16 order puts the surrogate pair first
    {"k": "\x7f\u2028\x1f\x08\x0c\"\\/é𝄞"},
    [2**53], [float("nan")], {"s": "\ud800"}, (1, 2),
])
def test_known_differences(value):
    assert _ours(value) == _reference(value)


def test_floats_are_written_in_ecmascript_form():
    assert canonical_bytes({"auc": 1.0, "big": 1e21, "tiny": 1e-7}) == b'{"auc":1,"big":1e+21,"tiny":1e-7}'
