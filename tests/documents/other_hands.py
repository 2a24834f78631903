"""What the "other hands" tests share: their week, its clock, and the events a text reads as."""

import datetime as dt
import zoneinfo

from common.weeks import IsoWeek
from documents.importer.incidents import read_incidents

ZONE = zoneinfo.ZoneInfo("Asia/Shanghai")
WEEK = IsoWeek(2025, 42)  # 2025-10-13 … 2025-10-19


def at(day, hour, minute):
    return dt.datetime(2025, 10, day, hour, minute, tzinfo=ZONE)


def events(text, week=WEEK):
    """The events of `text` read as an events section, the lines kept as its intro, and the warnings."""
    warnings = []
    found, intro = read_incidents(text.split("\n"), week, warnings)
    return found, intro, warnings
