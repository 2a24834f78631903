"""The API's JSON parser: DRF's, refusing with a 400 the bodies it would otherwise turn into a 500."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser, get_encoding

from common import json_input


class StrictJSONParser(JSONParser):
    """Refuses nesting past json_input.MAX_DEPTH and strings that are not Unicode text.

    A deep body recursed out of the decoder; a `\\ud800` echoed back in a field's error message could
    not be encoded. Refused here, once, for every endpoint.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        try:
            text = raw.decode(get_encoding(parser_context or {}))
        except UnicodeDecodeError as error:
            raise ParseError(_("The body is not text in the charset it names; send UTF-8 JSON.")) from error
        try:
            return json_input.loads(text)
        except json_input.TooDeep as error:
            raise ParseError(
                _("The body nests lists or objects more than %(depth)s deep.")
                % {"depth": json_input.MAX_DEPTH}
            ) from error
        except json_input.NotUnicode as error:
            raise ParseError(
                _("The body holds a string that is not valid Unicode (a lone surrogate such as \\ud800).")
            ) from error
        except ValueError as error:
            raise ParseError(_("The body is not valid JSON: %(error)s") % {"error": error}) from error
