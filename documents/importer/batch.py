"""Many reports at once (several files, a folder, a .zip), the team check, and the user's decisions.

Uploads are read with hard limits before anything is parsed: a .zip is refused when a member would
escape its folder (`../`), is not a text report, or unpacks far larger than it is (a zip bomb).
"""

from __future__ import annotations

import io
import lzma
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.db import transaction
from django.utils.translation import gettext as _

from documents.importer.catalogue import TRAILING, catalogue_of
from documents.importer.figures import name_key
from documents.importer.parser import parse_document
from documents.importer.structure import Figure, ParsedReport
from documents.importer.text import MAX_BYTES, ReportFormatError, decode
from documents.importer.titles import judge_title
from reports.models import KPI, Team

TEXT_SUFFIXES = {".md", ".markdown", ".txt"}
MAX_ZIP_BYTES = 5 * MAX_BYTES
MAX_MEMBERS = 200
MAX_UNPACKED = 30 * MAX_BYTES
MAX_RATIO = 50  # Markdown packs 3–10 times; far beyond that is a bomb


@dataclass
class Source:
    name: str
    text: str


ENCRYPTED = 0x1
READABLE_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}


def read_upload(name: str, data: bytes) -> list[Source]:
    if name.lower().endswith(".zip") or data[:4] == b"PK\x03\x04":
        return read_zip(data)
    return [Source(name, decode(data))]


def read_zip(data: bytes) -> list[Source]:
    if len(data) > MAX_ZIP_BYTES:
        raise ReportFormatError(
            _("The archive is larger than %(limit)d MB.") % {"limit": MAX_ZIP_BYTES // MAX_BYTES}
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, ValueError) as error:
        raise ReportFormatError(_("The archive is not a readable .zip file.")) from error
    if len(members) > MAX_MEMBERS:
        raise ReportFormatError(_("The archive holds more than %(count)d files.") % {"count": MAX_MEMBERS})
    unpacked = 0
    sources = []
    for info in members:
        path = PurePosixPath(info.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or re.match(r"^[A-Za-z]:", info.filename):
            raise ReportFormatError(
                _("The archive entry “%(name)s” points outside the archive; nothing was imported.")
                % {"name": info.filename}
            )
        if path.parts[0] == "__MACOSX" or path.name.startswith("."):
            continue
        if path.suffix.lower() not in TEXT_SUFFIXES:
            raise ReportFormatError(
                _("The archive entry “%(name)s” is not a Markdown or text report.") % {"name": info.filename}
            )
        unpacked += info.file_size
        if (
            info.file_size > MAX_BYTES
            or unpacked > MAX_UNPACKED
            or info.file_size > MAX_RATIO * max(info.compress_size, 1024)
        ):
            raise ReportFormatError(
                _(
                    "The archive entry “%(name)s” unpacks far larger than a weekly report; "
                    "nothing was imported."
                )
                % {"name": info.filename}
            )
        if info.flag_bits & ENCRYPTED:
            raise ReportFormatError(
                _("The archive entry “%(name)s” is encrypted; zip the reports without a password.")
                % {"name": info.filename}
            )
        if info.compress_type not in READABLE_METHODS:
            raise ReportFormatError(
                _("The archive entry “%(name)s” is compressed in a way this site cannot read; zip it again.")
                % {"name": info.filename}
            )
        try:
            with archive.open(info) as member:
                content = member.read(MAX_BYTES + 1)  # never trust the stated size alone
        # A damaged entry (its checksum, its compressed stream, a size that lies) surfaces only here,
        # as the decompressor's own exceptions, none of them a ReportFormatError.
        except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, ValueError) as error:
            raise ReportFormatError(
                _("The archive entry “%(name)s” is damaged; nothing was imported.") % {"name": info.filename}
            ) from error
        try:
            sources.append(Source(str(path), decode(content)))
        except ReportFormatError as error:
            raise ReportFormatError(f"{path}: {error}") from error
    if not sources:
        raise ReportFormatError(_("The archive holds no Markdown or text report."))
    return sources


def read_paths(paths: list[str]) -> list[Source]:
    """Files as given; a folder gives its Markdown and text files, in name order."""
    sources = []
    for given in paths:
        path = Path(given)
        files = (
            sorted(p for p in path.iterdir() if p.suffix.lower() in TEXT_SUFFIXES)
            if path.is_dir()
            else [path]
        )
        for file in files:
            if (
                file.stat().st_size > MAX_ZIP_BYTES
                if file.suffix.lower() == ".zip"
                else file.stat().st_size > MAX_BYTES
            ):
                raise ReportFormatError(
                    _("%(name)s is larger than %(limit)d KB; a weekly report is far smaller.")
                    % {"name": file, "limit": MAX_BYTES // 1024}
                )
            try:
                sources.extend(Source(f"{file}:{s.name}" if s.name != file.name else str(file), s.text)
                               for s in read_upload(file.name, file.read_bytes()))  # fmt: skip
            except ReportFormatError as error:
                raise ReportFormatError(f"{file}: {error}") from error
    return sources


def check_team(parsed: ParsedReport, team: Team) -> None:
    """Refuse a report whose title names another team of the site and not this one; otherwise say what
    the title's words are against this team (titles.judge_title)."""
    title = name_key(parsed.title)
    if title and name_key(team.name) not in title and team.slug.lower() not in title:
        for other in Team.objects.exclude(pk=team.pk).only("name", "slug"):
            if len(name_key(other.name)) >= 2 and name_key(other.name) in title:
                raise ReportFormatError(
                    _("This report is titled for %(other)s, not %(team)s; import it on %(other)s's page.")
                    % {"other": other.name, "team": team.name}
                )
    judge_title(parsed, team)


def parse_many(sources: list[Source], team: Team) -> list[tuple[Source, ParsedReport]]:
    """Every source parsed against the team's KPIs, in week order; two files for one week are refused."""
    catalogue = catalogue_of(team)
    parsed = []
    for source in sources:
        try:
            report = parse_document(source.text, catalogue=catalogue)
            check_team(report, team)
        except ReportFormatError as error:
            raise ReportFormatError(f"{source.name}: {error}") from error
        parsed.append((source, report))
    parsed.sort(key=lambda pair: pair[1].week.monday)
    for (first, one), (second, other) in zip(parsed, parsed[1:], strict=False):
        if one.week == other.week:
            raise ReportFormatError(
                _("%(first)s and %(second)s are both %(week)s.")
                % {"first": first.name, "second": second.name, "week": one.week}
            )
    return parsed


LEAVE, CREATE = "text", "create"


def apply_decisions(team: Team, figures: list[Figure], decisions: dict[int, str]) -> int:
    """The user's answer for each unplaced figure: map it to a KPI (its label becomes an alias, so the
    next report is read without asking), create a KPI on purpose, or leave it as text."""
    from documents.importer.writer import _create_kpi  # the writer's own rule for a new KPI

    done = 0
    with transaction.atomic():
        position = max((kpi.position for kpi in team.kpis.all()), default=0) + 1
        for index, figure in enumerate(figures):
            decision = decisions.get(index, LEAVE)
            if decision == CREATE and not team.kpis.filter(name=figure.name[:100]).exists():
                _create_kpi(figure, team, position)
                position += 1
                done += 1
            # isdigit() alone takes "²" and "٣", which int() then refuses or reads as another id.
            elif decision.isascii() and decision.isdigit() and len(decision) <= 18:
                kpi = KPI.objects.filter(team=team, pk=int(decision)).first()
                # The wording without its verb: "吞吐率回升" is remembered as 吞吐率.
                alias = TRAILING.sub("", (figure.label or figure.name).strip(" :：")).strip()[:100]
                if kpi is None or not alias or name_key(alias) in {name_key(a) for a in kpi.alias_list()}:
                    continue
                joined = ", ".join([*kpi.alias_list(), alias])
                if len(joined) <= KPI._meta.get_field("aliases").max_length:
                    kpi.aliases = joined
                    kpi.save(update_fields=["aliases"])
                    done += 1
    return done
