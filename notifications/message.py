"""One message model for every platform: a title, an intro, titled sections of lines, a link to the page.

Events build a Message in the channel's language; notifications/platforms.py renders it for DingTalk,
Feishu, WeCom, Slack, plain JSON or email. It is stored as JSON in the outbox, so what is delivered on
the fifth attempt is what was true when the change happened.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Line:
    text: str
    url: str = ""
    # Secondary text under the line: why a KPI moved (its note), an incident's impact.
    detail: str = ""


@dataclass
class Section:
    heading: str
    lines: list[Line] = field(default_factory=list)
    # "and 7 more": the page has the rest.
    more: str = ""


@dataclass
class Message:
    event: str
    title: str
    intro: str = ""
    sections: list[Section] = field(default_factory=list)
    link_text: str = ""
    link_url: str = ""
    # The event's facts, for the generic JSON webhook: week, team, status, counts.
    data: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict) -> Message:
        sections = [
            Section(
                heading=section["heading"],
                lines=[Line(**line) for line in section.get("lines", [])],
                more=section.get("more", ""),
            )
            for section in raw.get("sections", [])
        ]
        return cls(
            event=raw["event"],
            title=raw["title"],
            intro=raw.get("intro", ""),
            sections=sections,
            link_text=raw.get("link_text", ""),
            link_url=raw.get("link_url", ""),
            data=raw.get("data", {}),
        )

    def plain_text(self) -> str:
        """The message as plain text: the email's text part, Slack's fallback."""
        parts = [self.title]
        if self.intro:
            parts.append(self.intro)
        for section in self.sections:
            lines = [section.heading]
            for line in section.lines:
                lines.append(f"- {line.text}" + (f" {line.url}" if line.url else ""))
                if line.detail:
                    lines.append(f"  {line.detail}")
            if section.more:
                lines.append(section.more)
            parts.append("\n".join(lines))
        if self.link_url:
            parts.append(f"{self.link_text}: {self.link_url}")
        return "\n\n".join(parts)
