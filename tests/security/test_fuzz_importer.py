"""The importer fuzzed, as functions and through the upload page: a clear refusal or a clean import.

decode() and parse_document() may only raise ReportFormatError (a message for the user);
import_report() may only raise ImportRefused. The page answers 200 (form or preview) or 302 (imported),
and a preview or a refusal writes nothing.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from common.weeks import IsoWeek
from documents.importer import ImportRefused, ReportFormatError, decode, import_report, parse_document
from reports.models import WeeklyReport
from tests.security.fuzz import FUZZ, HOSTILE, any_text, hostile
from tests.security.helpers import census

pytestmark = pytest.mark.django_db

URL = reverse("report-import", kwargs={"team": "payments"})
# Pieces of real weekly documents, so the fuzz reaches deep into the parser, not only its first check.
FRAGMENTS = [
    "# 2024-W33", "# 2024年第33周", "# 2024-W99", "# 0001-W01", "# 9999-W52", "## 【系统运行数据】",
    "## 【效能度量】", "## 【O1 业务服务】", "## 【生产事件】", "- 【贝易转】", "收获与反思",
    "下周工作及目标",
    "其他", "TODO:", "    - 子项", "- 入金有效成功率: 99.995%", "- 需求交付数: 1e999", "- 计数: -0",
    "- 金额: 99999999999999999999万元", "- 比率: NaN%", "1. 需求交付数减少↓10.54%(313→280)",
    "2. 延期率下降, 3.50%(4.79%)", "1. 对公收佣: 进度150%, 预计13/45上线", "进度85% · 预计2024-02-30",
    "2024年8月20日 11:05", "2024年13月45日 25:61 对账", "0001-01-01 00:00 事故", "11:40完成手动结算",
    "事故数AB级0次, C级1次, D级0次", "201次报错", "```", "|a|b|", "<script>alert(1)</script>", "",
    # The wordings of the corpus's styles e–g: signs, arrows, English, tables of events, Chinese clocks.
    "吞吐率: 90.85% (WoW +1.22pp)", "线上bug: 5 ↓1", "代码当量 5466.2 (prev 5402.7)", "flat WoW",
    "Payments weekly 11.11-11.17", "# Weekly — Nov 18-24, 2024", "10月第3周", "（一）O1 业务服务",
    "- 房屋交付（75%）：进度：60% → 70%", "| 日期 | 开始 | 结束 | 级别 | 描述 |",
    "| 9/25 | 10:10 | 25:61 | C级(0.5) | x |", "1）10月17日23点30分，于次日凌晨2:10恢复，持续99999小时",
    "- 11/14 20:00 [Change] 发布 [C级]", "## Incidents",
]  # fmt: skip
document = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.sampled_from(HOSTILE[:-2]), any_text), min_size=1, max_size=30
).map("\n".join)


@pytest.fixture
def world(team, lead, admin_user):
    return team


@FUZZ
@given(
    data=st.one_of(st.binary(max_size=2000), document.map(lambda text: text.encode("utf-8", "surrogatepass")))
)
@example(data=b"\xff\xfe# 2024-W33")
@example(data=b"# 2024-W33\n\x00")
@example(data=b"\xed\xa0\x80")
@example(data=b"x" * (1024 * 1024 + 1))
@example(data=("中" * 100_000).encode())
def test_decode_refuses_with_a_message_or_returns_text(data):
    try:
        text = decode(data)
    except ReportFormatError as error:
        assert str(error)
    else:
        assert isinstance(text, str) and "\x00" not in text


@FUZZ
@given(text=document, week=st.one_of(st.none(), st.sampled_from([IsoWeek(2024, 33), IsoWeek(2025, 1)])))
@example(text="# 9999-W52\n其他\n- x", week=None)
@example(
    text="# 2024-W33\n## 【系统运行数据】\n- 需求交付数: 1e999\n- 金额: 99999999999999999999万元", week=None
)
def test_parse_and_import_refuse_clearly_or_write_the_week(world, lead, text, week):
    try:
        parsed = parse_document(text, week)
    except ReportFormatError as error:
        assert str(error)
        return
    before = census()
    try:
        result = import_report(parsed, world, lead)
    except ImportRefused:
        assert census() == before
        return
    assert WeeklyReport.objects.filter(team=world, week__starts_on=parsed.week.monday).exists()
    assert result.report.pk
    # Importing the same document again writes nothing.
    again = import_report(parse_document(text, week), world, lead)
    assert not again.changed


@FUZZ
@given(
    content=st.one_of(document, hostile),
    week=hostile,
    confirm=st.booleans(),
    as_file=st.booleans(),
)
@example(content="# 2024-W33\n其他\n- a\x00b", week="", confirm=True, as_file=False)
@example(content="# 2024-W33\n其他\n- a", week="\x00", confirm=True, as_file=False)
@example(content="其他\n- a", week="2024-W99", confirm=True, as_file=True)
@example(content="其他\n- a", week="0001-W01", confirm=True, as_file=False)
@example(content="x" * 100_000, week="2024-W33", confirm=True, as_file=True)
def test_fuzzed_upload_page_never_fails_and_previews_write_nothing(
    client_for, lead, world, content, week, confirm, as_file
):
    data = {"week": week}
    if as_file:
        data["document"] = SimpleUploadedFile(
            "week.md", content.encode("utf-8", "surrogatepass"), content_type="text/markdown"
        )
    else:
        data["content"] = content
    if confirm:
        data["confirm"] = "1"
    before = census()
    response = client_for(lead).post(URL, data)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert census() == before


@pytest.mark.parametrize(
    "payload",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"PK\x03\x04" + b"\x00" * 100,
        "# 2024-W33\n其他\n- 中文".encode("gb18030"),
        b"",
    ],
)
def test_binary_and_foreign_uploads_are_refused_with_a_message(client_for, lead, world, payload):
    before = census()
    response = client_for(lead).post(
        URL, {"document": SimpleUploadedFile("x.md", payload), "confirm": "1", "week": "2024-W33"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert census() == before


# Lines an attacker (or a paste gone wrong) makes long: each is read in time that grows with its length,
# not its square, so this test's own run time is the guard (before the fix, the first took ~50 minutes).
LONG_LINES = {
    "digits": "1" * 200_000,
    "date-like": "10.14-" * 40_000,
    "figures without a break": "需求吞吐率81.72%（上周96.05%）" * 10_000,
    "arrows": "96.05%→" * 30_000,
    "thousands": "1,000," * 40_000,
    "clock words": "下午2点05分持续35分钟" * 15_000,
}


@pytest.mark.parametrize("name", LONG_LINES)
def test_a_pathologically_long_line_is_kept_as_text_and_read_in_linear_time(name):
    line = LONG_LINES[name]
    parsed = parse_document(
        f"# 2024-W40\n\n## 【效能度量】\n\n{line}\n\n- 需求交付数: 313\n\n## 收获与反思\n\nok\n"
    )
    assert [figure.name for figure in parsed.figures] == ["需求交付数"]
    assert line in "\n".join(section.body for section in parsed.sections)
