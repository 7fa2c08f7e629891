"""``parse_json`` takes orjson's result only when it is provably what the exact parser (``json``
with duplicate-key, NaN and big-integer hooks, then the structure walk) returns; everything else
goes to the exact parser. These tests compare the two on generated JSON texts, including the cases
orjson handles differently: duplicate keys, integers beyond 2**53 and beyond 64 bits, lone
surrogates, quotes and colons inside strings, whitespace before a colon, deep nesting."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlgov.errors import InputError
from mlgov.safeio import _SLOW, MAX_DEPTH, _parse_json_exact, _parse_json_fast, parse_json

TRICKY_TEXT = st.text(alphabet=st.sampled_from(['"', ":", "\\", " ", "a", "é", "\n", "\ud800", "{", "}", ","]),
                      max_size=8)
KEYS = st.one_of(st.sampled_from(["a", "b", "a:", '"', 'x":']), TRICKY_TEXT)
SCALARS = st.one_of(
    st.none(), st.booleans(), st.text(max_size=10), TRICKY_TEXT,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**53 - 1, 2**53, -(2**53), 2**64 - 1, 2**64, 10**20]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([1e16, 9007199254740993.0, -0.0, 1e308, 0.5]),
)


def _render(value: object, draw_ws: list[str], dup: bool) -> str:
    """JSON text of a value, with chosen whitespace around colons and, with ``dup``, a repeated key."""
    ws = draw_ws[0] if draw_ws else ""
    if isinstance(value, dict):
        items = [f"{json.dumps(k)}{ws}:{ws}{_render(v, draw_ws, dup)}" for k, v in value.items()]
        if dup and items:
            items.append(items[0])
        return "{" + ",".join(items) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_render(v, draw_ws, dup) for v in value) + "]"
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "1e400"
    return json.dumps(value)


VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(KEYS, inner, max_size=4)), max_leaves=25)


def _typed(value: object) -> object:
    """The value with every scalar's type, so 1, 1.0 and True differ."""
    if isinstance(value, dict):
        return ("dict", [(k, _typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(v) for v in value])
    return (type(value).__name__, repr(value))


def _agree(text: str) -> str:
    """Assert the fast path returns the exact parser's value or defers to it; say which."""
    fast = _parse_json_fast(text)
    try:
        exact = _parse_json_exact(text, "t.json")
    except InputError:
        assert fast is _SLOW, f"fast path accepted what the exact parser refuses: {text!r}"
        return "refused"
    if fast is _SLOW:
        return "deferred"
    assert _typed(fast) == _typed(exact), text
    return "fast"


@settings(max_examples=400, deadline=None)
@given(VALUES, st.sampled_from(["", " ", "\n\t", " \r\n "]), st.booleans())
def test_fast_path_agrees_with_exact_parser(value, ws, dup):
    _agree(_render(value, [ws], dup))


@pytest.mark.parametrize("text, expected", [
    ('{"a": 1, "a": 2}', "refused"),
    ('{"a" : 1, "a": 2}', "refused"),          # whitespace before the colon hides nothing
    ('{"a\\": ": 1, "b": {"a\\": ": 2}}', "deferred"),  # an escaped quote then a colon: over-counted
    ('["x\\": y", {"a": 1}]', "deferred"),      # over-counted key: the exact parser decides
    ('{"n": 9007199254740993}', "deferred"),    # kept as text by the exact parser
    ('{"n": 18446744073709551616}', "deferred"),  # a float to orjson
    ('{"n": 1e300}', "deferred"),                # an integral float beyond 2**53: could be an integer's text
    ('{"n": 1.5e3, "m": -2.25}', "fast"),
    ('{"n": 9007199254740991, "f": 0.1}', "fast"),
    ('["\\ud800"]', "deferred"),                 # orjson refuses a lone surrogate; json keeps it
    ("[1e400]", "refused"),
    ("[NaN]", "refused"),
    ("[" * (MAX_DEPTH + 2) + "]" * (MAX_DEPTH + 2), "refused"),  # the outermost value is at depth 0
    ("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "fast"),
    ('"just a string"', "fast"),
    ("7", "fast"),
])
def test_known_differences_are_decided_by_the_exact_parser(text, expected):
    assert _agree(text) == expected


def test_duplicate_key_error_names_the_key():
    with pytest.raises(InputError, match="duplicate key 'a'"):
        parse_json('{"b": {"a": 1, "a" : 2}}', "t.json")


def test_big_integer_is_kept_exactly_on_either_path():
    assert parse_json('{"seed": 18446744073709551617}', "t.json") == {"seed": "18446744073709551617"}
