"""Archives and encodings the fuzz does not build: damaged, encrypted or exotic .zip entries, UTF-16 reports.

Each damaged archive is refused on the upload page with a message naming the entry, and writes nothing;
a report saved as UTF-16 or UTF-32 with its byte order mark (Windows Notepad's "Unicode") is read.
"""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reports.models import KPI
from tests.factories import make_kpi
from tests.security.helpers import census

pytestmark = pytest.mark.django_db

URL = reverse("report-import", kwargs={"team": "payments"})
REPORT = "# 2024-W40 周报\n\n## 收获与反思\n\n按时上线\n"


def _zip(entries, compression=zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def _patched(data: bytes, local: dict[int, bytes], central: dict[int, bytes]) -> bytes:
    """The archive with bytes replaced at offsets of its first local header and central entry."""
    data = bytearray(data)
    for base, changes in ((data.find(b"PK\x03\x04"), local), (data.find(b"PK\x01\x02"), central)):
        for offset, value in changes.items():
            data[base + offset : base + offset + len(value)] = value
    return bytes(data)


def _deflate_damaged() -> bytes:
    data = bytearray(_zip([("w40.md", REPORT.encode() * 20)], zipfile.ZIP_DEFLATED))
    start = data.find(b"w40.md") + len("w40.md")
    data[start : start + 8] = b"\xff" * 8
    return bytes(data)


def _stored():
    return _zip([("w40.md", REPORT.encode())])


DAMAGED = {
    "checksum": (lambda: _patched(_stored(), {14: b"\0" * 4}, {16: b"\0" * 4}), "is damaged"),
    "deflate stream": (_deflate_damaged, "is damaged"),
    "encrypted": (lambda: _patched(_stored(), {6: b"\x01"}, {8: b"\x01"}), "is encrypted"),
    "unknown method": (
        lambda: _patched(_stored(), {8: struct.pack("<H", 99)}, {10: struct.pack("<H", 99)}),
        "cannot read",
    ),
    "size that lies": (
        lambda: _patched(
            _zip([("w40.md", REPORT.encode() * 50)]),
            {},
            {20: struct.pack("<I", 10), 24: struct.pack("<I", 10)},
        ),
        "is damaged",
    ),
}


@pytest.mark.parametrize("case", DAMAGED)
def test_a_damaged_archive_entry_is_refused_with_its_name(client_for, lead, team, case):
    build, message = DAMAGED[case]
    before = census()
    response = client_for(lead).post(
        URL, {"document": SimpleUploadedFile("reports.zip", build()), "confirm": "1", "week": ""}
    )
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert "w40.md" in errors and message in errors, errors
    assert census() == before


@pytest.mark.parametrize("compression", [zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_every_usual_compression_is_read(client_for, lead, team, compression):
    upload = SimpleUploadedFile("reports.zip", _zip([("w40.md", REPORT.encode())], compression))
    response = client_for(lead).post(URL, {"document": upload, "week": ""})
    assert response.status_code == 200
    assert "form" not in response.context, response.context["form"].errors
    assert "2024-W40" in response.content.decode()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32", "utf-16-be"])
def test_a_unicode_report_with_its_byte_order_mark_is_read(client_for, lead, team, encoding):
    data = REPORT.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    response = client_for(lead).post(URL, {"document": SimpleUploadedFile("w40.md", data), "week": ""})
    assert response.status_code == 200
    assert "form" not in response.context, response.context["form"].errors
    assert "2024-W40" in response.content.decode()


def test_utf16_without_its_mark_is_still_refused_as_binary(client_for, lead, team):
    upload = SimpleUploadedFile("w40.md", REPORT.encode("utf-16-le"))
    response = client_for(lead).post(URL, {"document": upload, "week": ""})
    assert "binary" in " ".join(response.context["form"].non_field_errors())


@pytest.mark.parametrize("decision", ["²", "①", "٣", "9" * 30, "-1", "\x00", "1e3"])
def test_a_tampered_decision_for_an_unplaced_figure_leaves_it_as_text(client_for, lead, team, decision):
    document = "# 2024-W40 周报\n\n## 【系统运行数据】\n\n- 神秘指标: 42\n\n## 收获与反思\n\nok\n"
    make_kpi(team, "需求交付数")
    data = {"content": document, "week": "", "confirm": "1", "unplaced_0": decision}
    response = client_for(lead).post(URL, data)
    assert response.status_code == 302
    assert not KPI.objects.filter(team=team).exclude(name="需求交付数").exists()
    assert all(kpi.aliases == "" for kpi in KPI.objects.all())
