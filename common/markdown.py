"""Markdown that people type, rendered to HTML that cannot run anything.

markdown-it renders with raw HTML off; nh3 then keeps only harmless tags and attributes, so a
`<script>` or `javascript:` link typed into any narrative field shows as text or disappears.

Emphasis follows the CJK-friendly amendment to CommonMark: `下降**：↓14.92%**` is bold, although
plain CommonMark refuses a `**` between a Chinese character and punctuation (Chinese writes no
space around emphasis, and its punctuation is full-width). Next to a CJK character a delimiter run
is judged as if that character were punctuation.
"""

import re

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_inline.state_inline import Scanned, StateInline

# CJK ideographs, kana, hangul, CJK and full-width punctuation and forms.
CJK = re.compile(
    "[\u1100-\u11ff\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3200-\u9fff"
    "\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]"
)


class CjkStateInline(StateInline):
    def scanDelims(self, start: int, canSplitWord: bool) -> Scanned:  # noqa: N802 (markdown-it's name)
        pos = start
        marker = self.src[start]
        last = self.src[start - 1] if start > 0 else " "
        while pos < self.posMax and self.src[pos] == marker:
            pos += 1
        following = self.src[pos] if pos < self.posMax else " "
        last_punct = isMdAsciiPunct(ord(last)) or isPunctChar(last)
        next_punct = isMdAsciiPunct(ord(following)) or isPunctChar(following)
        last_space, next_space = isWhiteSpace(ord(last)), isWhiteSpace(ord(following))
        last_cjk, next_cjk = bool(CJK.match(last)), bool(CJK.match(following))
        left = not next_space and (not next_punct or last_space or last_punct or last_cjk)
        right = not last_space and (not last_punct or next_space or next_punct or next_cjk)
        can_open = left and (canSplitWord or not right or last_punct or last_cjk)
        can_close = right and (canSplitWord or not left or next_punct or next_cjk)
        return Scanned(can_open, can_close, pos - start)


_renderer = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True})
    .enable("table")
    .enable("strikethrough")
)


def _parse_inline(src, md, env, tokens):
    state = CjkStateInline(src, md, env, tokens)
    md.inline.tokenize(state)
    for rule in md.inline.ruler2.getRules(""):
        rule(state)
    return state.tokens


_renderer.inline.parse = _parse_inline

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}


def render_markdown(text: str) -> SafeString:
    html = _renderer.render(text or "")
    return mark_safe(
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer",
        )
    )
