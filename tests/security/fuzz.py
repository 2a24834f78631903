"""Hypothesis strategies for hostile input, shared by the fuzz tests."""

from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Bounded: every fuzz test runs a few dozen examples; the DB fixtures are per test, not per example.
FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)

HOSTILE = [
    "",
    " ",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "' OR 1=1 --",
    '"; DROP TABLE reports_kpi; --',
    "../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "%00",
    "\x00",
    "a\x00b",
    "NaN",
    "nan",
    "Infinity",
    "-Infinity",
    "inf",
    "1e999",
    "-1e999",
    "1E+2",
    "0x10",
    "9" * 40,
    "-" + "9" * 40,
    "99999999999999999999",
    "-1",
    "-0",
    "0",
    "1.5",
    "1,5",
    "1,134",
    "81.72%",
    "８１．７２％",
    "1829万元",
    "2024-W33",
    "2024-W99",
    "2024-W00",
    "2024-W53",
    "2020-W53",
    "0000-W01",
    "9999-W52",
    "2024-13-45",
    "2024-02-30",
    "2024-08-12T25:61",
    "２０２４-W33",
    "中文 需求交付数",
    "עברית \u202etxt.exe",
    "😀🔥" * 3,
    "\ufeff",
    "\r\n\t",
    "\u2028",
    "true",
    "false",
    "None",
    "null",
    "[]",
    "{}",
    "x" * 100_000,
    "中" * 50_000,
]

# Text that can travel in a form or query (no lone surrogates: they cannot be UTF-8 encoded).
any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
hostile = st.one_of(st.sampled_from(HOSTILE), any_text)
