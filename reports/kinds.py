"""What a KPI's name says about its kind: a running total (累计…) or a month-to-date figure (当月…, 8月份…).

The importer guesses with this when it creates a KPI; an admin corrects the kind in the admin when a
name misleads. Returns KPI.Kind values as plain strings, so this module needs no model.
"""

import re

CUMULATIVE_WORDS = ("累计", "累積", "总计", "cumulative", "running total", "year to date", "ytd")
MONTH_TO_DATE_WORDS = ("当月", "本月", "月累计", "month to date", "month-to-date", "mtd")
# "8月份交易", "12月交易笔数": a figure named after its month.
MONTH_NAME = re.compile(r"(?<!\d)(?:[1-9]|1[0-2])月份?(?!\d)")


def guess_kind(name: str) -> str:
    text = name.strip().lower()
    # Month to date first: 当月累计 is a month's running total, not the all-time one.
    if any(word in text for word in MONTH_TO_DATE_WORDS) or MONTH_NAME.search(text):
        return "month_to_date"
    if any(word in text for word in CUMULATIVE_WORDS):
        return "cumulative"
    return "level"
