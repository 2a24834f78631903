"""JSON typed or sent by a client, read so that no shape of it can raise anything but ValueError.

Python's decoder recurses once per nested list or object and gives up with a RecursionError (a 500)
long before any body size limit; and `\\ud800` decodes to a lone surrogate that no database stores
and no response can encode. Both are refused here as ValueError, the error callers already expect.
"""

from __future__ import annotations

import json

# Nothing the app reads from a client nests past a few levels; far short of the recursion limit.
MAX_DEPTH = 32


class TooDeep(ValueError):
    pass


class NotUnicode(ValueError):
    pass


def depth_exceeded(text: str, limit: int = MAX_DEPTH) -> bool:
    """True when brackets outside strings nest deeper than `limit`, found before decoding recurses."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _refuse_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def loads(text: str, *, max_depth: int = MAX_DEPTH):
    """json.loads refusing NaN/Infinity, nesting past `max_depth` and lone surrogates, as ValueError."""
    if depth_exceeded(text, max_depth):
        raise TooDeep(f"nested more than {max_depth} deep")
    data = json.loads(text, parse_constant=_refuse_constant)
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as error:
        raise NotUnicode("a string is not valid Unicode") from error
    return data
