"""The import form: a file (or pasted text), optionally the week; parsed on every submit."""

from django import forms
from django.utils.translation import gettext_lazy as _

from common.weeks import IsoWeek
from documents.importer import ReportFormatError, decode, parse_document
from documents.importer.text import MAX_BYTES, check_text, in_years, week_range_message


class ImportForm(forms.Form):
    document = forms.FileField(
        label=_("Weekly report file"), required=False, help_text=_("Markdown or text, UTF-8, at most 1 MB.")
    )
    content = forms.CharField(
        label=_("Or paste the report"), required=False, strip=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    week = forms.CharField(
        label=_("Week"),
        required=False,
        max_length=8,
        help_text=_("Only needed when the document has no “# 2024-W33” title."),
    )

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
        upload = cleaned.get("document")
        try:
            if upload:
                if upload.size > MAX_BYTES:
                    raise ReportFormatError(
                        _("The file is larger than 1 MB; a weekly report is far smaller.")
                    )
                text = decode(upload.read())
            elif cleaned.get("content"):
                text = check_text(cleaned["content"])
            else:
                raise forms.ValidationError(_("Choose a file or paste the report."))
            cleaned["parsed"] = parse_document(text, cleaned.get("week"))
        except ReportFormatError as error:
            raise forms.ValidationError(str(error)) from error
        cleaned["text"] = text
        return cleaned
