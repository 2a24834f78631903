"""The channel form, shared by the channel pages and the admin.

The webhook URL and secret are write-only: the form never shows them back (only a masked hint), and
leaving them empty keeps what is saved. A lead may only choose the teams they lead.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from notifications import addresses
from notifications.models import Channel
from reports.models import Team

# Platforms' webhook addresses are under 300 characters; DNS names under 254.
MAX_URL_LENGTH = 2000
MAX_HOST_LENGTH = 253


class ChannelForm(forms.ModelForm):
    url = forms.CharField(
        label=_("Webhook URL"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    secret = forms.CharField(
        label=_("Signing secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("DingTalk 加签, Feishu 签名校验, or the generic webhook's HMAC key. Optional."),
    )
    clear_secret = forms.BooleanField(label=_("Remove the saved secret"), required=False)

    class Meta:
        model = Channel
        fields = [
            "name",
            "kind",
            "team",
            "language",
            "url",
            "secret",
            "emails",
            "on_submitted",
            "on_published",
            "on_reminder",
            "on_incident",
            "on_digest",
            "is_active",
        ]
        widgets = {"emails": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, teams=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Never render the stored credentials back into the page.
        self.initial["url"] = ""
        self.initial["secret"] = ""
        saved = self.instance.pk is not None
        if saved and self.instance.url_hint:
            self.fields["url"].help_text = _("Saved: %(hint)s. Leave empty to keep it.") % {
                "hint": self.instance.url_hint
            }
        if saved and self.instance.secret_hint:
            self.fields["secret"].help_text = _("Saved: %(hint)s. Leave empty to keep it.") % {
                "hint": self.instance.secret_hint
            }
        else:
            # Nothing to remove; hidden rather than deleted, as the admin lays out every declared field.
            self.fields["clear_secret"].widget = forms.HiddenInput()
        if teams is not None:
            # A lead: only their teams, and a channel must belong to one of them.
            self.fields["team"].queryset = teams
            self.fields["team"].required = True
            self.fields["team"].empty_label = None
        else:
            self.fields["team"].queryset = Team.objects.filter(is_active=True)
            self.fields["team"].empty_label = _("The whole department")

    def clean_emails(self):
        addresses = [item.strip() for item in self.cleaned_data["emails"].replace(",", "\n").splitlines()]
        addresses = [address for address in addresses if address]
        for address in addresses:
            try:
                validate_email(address)
            except ValidationError:
                raise ValidationError(
                    _("“%(address)s” is not an email address."), params={"address": address}
                ) from None
        return "\n".join(addresses)

    def clean_url(self):
        url = self.cleaned_data["url"].strip()
        if not url:
            return ""
        if len(url) > MAX_URL_LENGTH:
            raise ValidationError(
                _("A webhook address is at most %(limit)d characters.") % {"limit": MAX_URL_LENGTH}
            )
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - reading it is the check: a port past 65535 raises
        except ValueError:
            # urlsplit's own refusals: an unclosed "[" of an IPv6 address, a port out of range.
            raise ValidationError(_("Enter the full webhook address, starting with https://.")) from None
        allowed = ("https", "http") if settings.NOTIFY_ALLOW_HTTP else ("https",)
        if parts.scheme not in allowed or not parts.hostname or len(parts.hostname) > MAX_HOST_LENGTH:
            raise ValidationError(_("Enter the full webhook address, starting with https://."))
        problem = None if addresses.allowed() else addresses.host_problem(parts.hostname)
        if problem:
            raise ValidationError(problem)
        return url

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        url = data.get("url") or (self.instance.url if self.instance.pk else "")
        secret = data.get("secret", "")
        if kind == Channel.Kind.EMAIL:
            if not data.get("emails") and "emails" not in self.errors:
                self.add_error("emails", _("List at least one email address."))
            if data.get("url"):
                self.add_error("url", _("An email list has no webhook address."))
        elif kind:
            if not url and "url" not in self.errors:
                self.add_error("url", _("Paste the webhook address the platform gave you."))
            if secret and kind not in Channel.SIGNED_KINDS:
                self.add_error(
                    "secret", _("This platform has no signing secret; its address is the credential.")
                )
        return data

    def save(self, commit=True):
        channel = super().save(commit=False)
        saved = Channel.objects.filter(pk=channel.pk).values("url", "secret").first() if channel.pk else None
        # Empty inputs keep what was saved: the page never had the credentials to send back.
        if not self.cleaned_data.get("url") and saved:
            channel.url = saved["url"]
        if not self.cleaned_data.get("secret") and saved:
            channel.secret = saved["secret"]
        if self.cleaned_data.get("clear_secret"):
            channel.secret = ""
        if channel.kind == Channel.Kind.EMAIL:
            channel.url, channel.secret = "", ""
        else:
            channel.emails = ""
            if channel.kind not in Channel.SIGNED_KINDS:
                channel.secret = ""
        if commit:
            channel.save()
        return channel
