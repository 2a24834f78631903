"""Each platform's message format, signature and answer, from one Message.

Signatures as each platform documents them:
- DingTalk: `sign = urlencode(base64(HMAC-SHA256(key=secret, msg=f"{ms}\\n{secret}")))`, with the time in
  milliseconds, both as query parameters.
- Feishu / Lark: `sign = base64(HMAC-SHA256(key=f"{s}\\n{secret}", msg=b""))`, time in seconds, both in
  the JSON body.
- WeCom and Slack: the URL is the credential.
- Generic: `X-Reportsite-Signature: sha256=hex(HMAC-SHA256(key=secret, msg=f"{s}." + raw body))` with
  `X-Reportsite-Timestamp: s`, as Stripe signs its webhooks; the receiver rejects an old timestamp.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from common import json_input
from notifications.message import Line, Message

# Bytes a platform accepts in one message; longer text is cut at a line with a pointer to the page.
LIMITS = {"dingtalk": 18000, "wecom": 4000, "feishu": 25000, "slack": 2900}
SIGNATURE_HEADER = "X-Reportsite-Signature"
TIMESTAMP_HEADER = "X-Reportsite-Timestamp"


@dataclass
class Request:
    url: str
    body: bytes
    headers: dict[str, str]


@dataclass
class Verdict:
    ok: bool
    # Retrying cannot help (a 404 URL, a refused payload): give up now instead of after every try.
    permanent: bool = False
    reason: str = ""


def _is_absolute(url: str) -> bool:
    return url.startswith(("https://", "http://"))


def _fit(text: str, limit: int, tail: str = "") -> str:
    """Cut at a line boundary so text plus tail stays within `limit` bytes of UTF-8."""
    if len((text + tail).encode()) <= limit:
        return text + tail
    kept, size = [], len(tail.encode()) + 4
    for line in text.split("\n"):
        size += len(line.encode()) + 1
        if size > limit:
            break
        kept.append(line)
    return "\n".join(kept) + "\n…" + tail


def _one_line(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- Markdown (DingTalk, WeCom, Feishu)


def _md_line(line: Line) -> list[str]:
    text = _one_line(line.text)
    out = [f"- [{text}]({line.url})" if _is_absolute(line.url) else f"- {text}"]
    if line.detail:
        out.append(f"  > {_one_line(line.detail)}")
    return out


def markdown(message: Message, *, heading: str = "###") -> str:
    parts = [f"{heading} {_one_line(message.title)}"]
    if message.intro:
        parts.append(message.intro)
    for section in message.sections:
        lines = [f"**{_one_line(section.heading)}**", ""]
        for line in section.lines:
            lines.extend(_md_line(line))
        if section.more:
            lines.append(f"- {section.more}")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _link_md(message: Message) -> str:
    if not message.link_url:
        return ""
    if _is_absolute(message.link_url):
        return f"\n\n[{message.link_text}]({message.link_url})"
    return f"\n\n{message.link_text}: {message.link_url}"


def _without_details(message: Message) -> Message:
    sections = [
        replace(section, lines=[replace(line, detail="") for line in section.lines])
        for section in message.sections
    ]
    return replace(message, sections=sections)


def _first_lines(message: Message, count: int) -> Message:
    """Each section's first `count` lines; the rest are counted ("… +4"), the page has them."""
    sections = []
    for section in message.sections:
        cut = len(section.lines) - count
        more = section.more if cut <= 0 else " ".join(filter(None, [f"… +{cut}", section.more]))
        sections.append(replace(section, lines=section.lines[:count], more=more))
    return replace(message, sections=sections)


def _fitted_markdown(message: Message, limit: int) -> str:
    """The message within a platform's size limit, every section still there where it can be: the notes
    under lines go first, then each section's later lines; only then is the text cut at a line."""
    tail = _link_md(message)
    text = markdown(message)
    if len((text + tail).encode()) <= limit:
        return text + tail
    brief = _without_details(message)
    for variant in (brief, _first_lines(brief, 5), _first_lines(brief, 3), _first_lines(brief, 1)):
        text = markdown(variant)
        if len((text + tail).encode()) <= limit:
            return text + tail
    return _fit(text, limit, tail)


def dingtalk_body(message: Message) -> dict:
    text = _fitted_markdown(message, LIMITS["dingtalk"])
    return {"msgtype": "markdown", "markdown": {"title": _one_line(message.title), "text": text}}


def wecom_body(message: Message) -> dict:
    return {"msgtype": "markdown", "markdown": {"content": _fitted_markdown(message, LIMITS["wecom"])}}


def feishu_body(message: Message) -> dict:
    """An interactive card: Feishu's Markdown lives in cards (lark_md), with a button to the page."""
    elements = []
    if message.intro:
        elements.append({"tag": "div", "text": {"tag": "lark_md", "content": message.intro}})
    for section in message.sections:
        lines = [f"**{_one_line(section.heading)}**"]
        for line in section.lines:
            lines.extend(_md_line(line))
        if section.more:
            lines.append(f"- {section.more}")
        content = _fit("\n".join(lines), LIMITS["feishu"] // max(1, len(message.sections)))
        elements.append({"tag": "div", "text": {"tag": "lark_md", "content": content}})
    if _is_absolute(message.link_url):
        button = {
            "tag": "button",
            "text": {"tag": "plain_text", "content": message.link_text},
            "type": "primary",
            "url": message.link_url,
        }
        elements.append({"tag": "action", "actions": [button]})
    elif message.link_url:
        elements.append({"tag": "div", "text": {"tag": "lark_md", "content": _link_md(message).strip()}})
    return {
        "msg_type": "interactive",
        "card": {
            "config": {"wide_screen_mode": True},
            "header": {
                "title": {"tag": "plain_text", "content": _one_line(message.title)},
                "template": "blue",
            },
            "elements": elements,
        },
    }


# ---------------------------------------------------------------- Slack mrkdwn


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_body(message: Message) -> dict:
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": _one_line(message.title)[:150]}}
    ]
    if message.intro:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": _slack_escape(message.intro)}})
    for section in message.sections:
        lines = [f"*{_slack_escape(_one_line(section.heading))}*"]
        for line in section.lines:
            text = _slack_escape(_one_line(line.text))
            lines.append(f"• <{line.url}|{text}>" if _is_absolute(line.url) else f"• {text}")
            if line.detail:
                lines.append(f"      _{_slack_escape(_one_line(line.detail))}_")
        if section.more:
            lines.append(f"• {_slack_escape(section.more)}")
        text = _fit("\n".join(lines), LIMITS["slack"])
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text}})
    if _is_absolute(message.link_url):
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": message.link_text[:75]},
                        "url": message.link_url,
                    }
                ],
            }
        )
    fallback = _one_line(message.title) + (f" {message.link_url}" if message.link_url else "")
    return {"text": _slack_escape(fallback), "blocks": blocks[:50]}


# ---------------------------------------------------------------- generic JSON


def generic_body(message: Message, *, delivery: int | None, language: str) -> dict:
    return {
        "event": message.event,
        "delivery": delivery,
        "language": language,
        "title": message.title,
        "text": message.plain_text(),
        "url": message.link_url,
        "data": message.data,
        "message": message.to_dict(),
    }


# ---------------------------------------------------------------- signing


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    string_to_sign = f"{timestamp_ms}\n{secret}"
    digest = hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_sign(secret: str, timestamp_s: int) -> str:
    string_to_sign = f"{timestamp_s}\n{secret}"
    digest = hmac.new(string_to_sign.encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def generic_signature(secret: str, timestamp_s: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp_s}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def body_for(kind: str, message: Message, *, delivery: int | None = None, language: str = "en") -> dict:
    """The JSON a platform receives, before signing (also what the preview shows)."""
    if kind == "dingtalk":
        return dingtalk_body(message)
    if kind == "feishu":
        return feishu_body(message)
    if kind == "wecom":
        return wecom_body(message)
    if kind == "slack":
        return slack_body(message)
    return generic_body(message, delivery=delivery, language=language)


def build_request(
    kind: str, url: str, secret: str, message: Message, *, now: float, delivery: int | None, language: str
) -> Request:
    body = body_for(kind, message, delivery=delivery, language=language)
    headers = {"Content-Type": "application/json; charset=utf-8"}
    seconds, millis = int(now), int(now * 1000)
    if kind == "dingtalk" and secret:
        query = urlencode({"timestamp": millis, "sign": dingtalk_sign(secret, millis)})
        url = f"{url}{'&' if '?' in url else '?'}{query}"
    if kind == "feishu" and secret:
        body = {"timestamp": str(seconds), "sign": feishu_sign(secret, seconds), **body}
    raw = json.dumps(body, ensure_ascii=False).encode()
    if kind == "generic":
        headers["X-Reportsite-Event"] = message.event
        headers["X-Reportsite-Delivery"] = str(delivery or "")
        if secret:
            headers[TIMESTAMP_HEADER] = str(seconds)
            headers[SIGNATURE_HEADER] = generic_signature(secret, seconds, raw)
    return Request(url=url, body=raw, headers=headers)


# ---------------------------------------------------------------- answers


def judge(kind: str, status: int, answer: str) -> Verdict:
    """Delivered or not, from the HTTP status and the body: a 200 with an error code is a failure."""
    if not 200 <= status < 300:
        # A client error other than a timeout or rate limit will not get better by retrying.
        permanent = 400 <= status < 500 and status not in (408, 425, 429)
        return Verdict(False, permanent, f"HTTP {status}")
    if kind in ("dingtalk", "wecom", "feishu"):
        try:
            parsed = json_input.loads(answer)
        except ValueError:
            return Verdict(False, reason="not JSON")
        if not isinstance(parsed, dict):
            return Verdict(False, reason="not a JSON object")
        if kind == "feishu":
            code = parsed.get("code", parsed.get("StatusCode"))
            return Verdict(code == 0, reason="" if code == 0 else f"code {code}: {parsed.get('msg', '')}")
        code = parsed.get("errcode")
        return Verdict(code == 0, reason="" if code == 0 else f"errcode {code}: {parsed.get('errmsg', '')}")
    if kind == "slack":
        return Verdict(answer.strip() == "ok", reason="" if answer.strip() == "ok" else answer.strip()[:200])
    return Verdict(True)
