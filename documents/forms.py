"""The import form: files (one report, several, or a .zip) or pasted text, and the week; parsed on submit."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.weeks import IsoWeek
from documents.importer import ReportFormatError, parse_document
from documents.importer.batch import MAX_ZIP_BYTES, Source, check_team, parse_many, read_upload
from documents.importer.catalogue import catalogue_of
from documents.importer.text import MAX_BYTES, check_text, in_years, week_range_message


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ImportForm(forms.Form):
    document = MultipleFileField(
        label=_("Weekly report files"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".md,.markdown,.txt,.zip"}),
        help_text=_("Markdown or text, UTF-8, at most 1 MB each; several files or a .zip import many weeks."),
    )
    content = forms.CharField(
        label=_("Or paste the report"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    week = forms.CharField(
        label=_("Week"),
        required=False,
        max_length=8,
        help_text=_("Read from the report's title; change it here if it is wrong."),
    )

    def __init__(self, *args, team, **kwargs):
        self.team = team
        super().__init__(*args, **kwargs)

    def clean_week(self):
        text = self.cleaned_data["week"].strip()
        if not text:
            return None
        try:
            week = IsoWeek.parse(text)
        except ValueError as error:
            raise forms.ValidationError(_("Give the week as 2024-W33.")) from error
        if not in_years(week.year):
            raise forms.ValidationError(week_range_message(week))
        return week

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        uploads = cleaned.get("document") or []
        try:
            sources = []
            for upload in uploads:
                limit = MAX_ZIP_BYTES if upload.name.lower().endswith(".zip") else MAX_BYTES
                if upload.size > limit:
                    raise ReportFormatError(
                        _("%(name)s is larger than %(limit)d KB; a weekly report is far smaller.")
                        % {"name": upload.name, "limit": limit // 1024}
                    )
                sources.extend(read_upload(upload.name, upload.read()))
            # Several reports previewed together come back from the preview's confirm as texts.
            texts = self.data.getlist("contents") if hasattr(self.data, "getlist") else []
            names = self.data.getlist("names") if texts else []
            for index, text in enumerate(texts):
                name = names[index] if index < len(names) else str(index + 1)
                sources.append(Source(name, check_text(text)))
            if not sources and cleaned.get("content"):
                sources = [Source(str(_("pasted text")), check_text(cleaned["content"]))]
            if not sources:
                raise forms.ValidationError(_("Choose a file or paste the report."))
            week = cleaned.get("week")
            if len(sources) > 1 and week:
                raise forms.ValidationError(
                    _("Several weeks are read from their own titles; leave the week empty.")
                )
            if len(sources) == 1 and week:
                parsed = parse_document(sources[0].text, week, catalogue_of(self.team))
                check_team(parsed, self.team)
                reports = [(sources[0], parsed)]
            else:
                reports = parse_many(sources, self.team)
        except ReportFormatError as error:
            raise forms.ValidationError(str(error)) from error
        cleaned["reports"] = reports
        return cleaned
