"""The API's JSON parser: DRF's, refusing with a 400 the bodies it would otherwise turn into a 500."""

from __future__ import annotations

import json

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding

# No request of the API nests deeper than a list of objects; this is far past that, far short of
# Python's recursion limit, which the decoder reaches as a RecursionError (a 500) instead of a ValueError.
MAX_DEPTH = 32


def _depth_exceeded(text: str) -> bool:
    """True when brackets outside strings nest deeper than MAX_DEPTH: checked before decoding recurses."""
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
            if depth > MAX_DEPTH:
                return True
        elif char in "]}":
            depth -= 1
    return False


class StrictJSONParser(JSONParser):
    """Refuses nesting deeper than MAX_DEPTH and strings that are not Unicode text.

    JSON's `\\ud800` escape decodes to a lone surrogate, which no database stores and no response can
    encode: the error message echoing it back failed to render. Refused here, once, for every endpoint.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(get_encoding(parser_context or {}))
        except UnicodeDecodeError as error:
            raise ParseError(_("The body is not text in the charset it names; send UTF-8 JSON.")) from error
        if _depth_exceeded(text):
            raise ParseError(
                _("The body nests lists or objects more than %(depth)s deep.") % {"depth": MAX_DEPTH}
            )
        try:
            data = json.loads(text, parse_constant=self._refuse_constant)
        except ValueError as error:
            raise ParseError(_("The body is not valid JSON: %(error)s") % {"error": error}) from error
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError as error:
            raise ParseError(
                _("The body holds a string that is not valid Unicode (a lone surrogate such as \\ud800).")
            ) from error
        return data

    @staticmethod
    def _refuse_constant(name):
        raise ValueError(_("%(name)s is not a JSON number.") % {"name": name})
