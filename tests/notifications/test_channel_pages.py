"""Channel pages: admins configure any channel, leads their teams'; credentials never shown back."""

import re

import pytest
from django.urls import reverse

from notifications.models import Channel, Notification
from tests.notifications.factories import make_channel

pytestmark = pytest.mark.django_db
URL = "https://oapi.dingtalk.com/robot/send?access_token=abcdef0123456789SECRETTOKEN"
SECRET = "SECabcdef0123456789secretvalue"


def form(**fields):
    data = {
        "name": "Payments robot",
        "kind": "dingtalk",
        "team": "",
        "language": "zh-hans",
        "url": URL,
        "secret": SECRET,
        "emails": "",
        "on_submitted": "on",
        "on_digest": "on",
        "is_active": "on",
    }
    data.update(fields)
    return data


def test_admin_adds_a_department_channel_and_never_sees_the_secret_again(client_for, admin_user):
    client = client_for(admin_user)
    response = client.post(reverse("notification-channel-new"), form())
    channel = Channel.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "notification-channel", kwargs={"pk": channel.pk}
    )
    assert (channel.url, channel.secret, channel.team, channel.language) == (URL, SECRET, None, "zh-hans")
    assert channel.created_by == admin_user
    page = client.get(response.url).content.decode()
    assert "SECRETTOKEN" not in page and SECRET not in page and "abcdef0123" not in page
    assert "https://oapi.dingtalk.com/…OKEN" in page  # the hint
    history = channel.history.first()
    assert not hasattr(history, "url") and not hasattr(history, "secret")
    assert history.url_hint == "https://oapi.dingtalk.com/…OKEN" and history.history_user == admin_user


def test_saving_with_empty_credentials_keeps_them(client_for, admin_user):
    channel = make_channel("dingtalk", url=URL, secret=SECRET)
    client = client_for(admin_user)
    url = reverse("notification-channel", kwargs={"pk": channel.pk})
    response = client.post(url, form(name="Renamed", url="", secret=""))
    assert response.status_code == 302
    channel.refresh_from_db()
    assert (channel.name, channel.url, channel.secret) == ("Renamed", URL, SECRET)


def test_lead_configures_only_their_team(client_for, lead, team, other_team):
    client = client_for(lead)
    assert client.post(reverse("notification-channel-new"), form(team="")).status_code == 400
    assert client.post(reverse("notification-channel-new"), form(team=other_team.pk)).status_code == 400
    assert Channel.objects.count() == 0
    assert client.post(reverse("notification-channel-new"), form(team=team.pk)).status_code == 302
    theirs = make_channel("slack", team=other_team, url="https://hooks.slack.com/services/x")
    department = make_channel("generic", url="https://example.com/h")
    for channel in (theirs, department):
        assert client.get(reverse("notification-channel", kwargs={"pk": channel.pk})).status_code == 403
        assert (
            client.post(reverse("notification-channel-delete", kwargs={"pk": channel.pk})).status_code == 403
        )
    assert Channel.objects.count() == 3
    listed = client.get(reverse("notification-channels")).content.decode()
    assert "Payments robot" in listed and theirs.name not in listed


def test_members_and_managers_cannot_add_channels(client_for, member, manager):
    for user in (member, manager):
        client = client_for(user)
        assert client.get(reverse("notification-channels")).status_code == 200
        assert client.get(reverse("notification-channel-new")).status_code == 403
        assert client.post(reverse("notification-channel-new"), form()).status_code == 403
    assert Channel.objects.count() == 0


def test_anonymous_goes_to_login(client):
    response = client.get(reverse("notification-channels"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"url": "ftp://example.com/x"}, "url", "starting with https://"),
        ({"url": ""}, "url", "Paste the webhook address"),
        ({"kind": "slack", "url": "https://hooks.slack.com/services/x"}, "secret", "no signing secret"),
        (
            {"kind": "email", "url": "", "secret": "", "emails": "a@example.com, not-an-address"},
            "emails",
            "not an email",
        ),
        ({"kind": "email", "url": "", "secret": "", "emails": ""}, "emails", "at least one"),
        ({"kind": "telegram"}, "kind", "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(
    client_for, admin_user, settings, fields, field, message
):
    settings.NOTIFY_ALLOW_HTTP = False
    response = client_for(admin_user).post(reverse("notification-channel-new"), form(**fields))
    assert response.status_code == 400
    assert message in str(response.context["form"].errors[field])
    assert Channel.objects.count() == 0


def test_plain_http_is_refused_in_production(client_for, admin_user, settings):
    settings.NOTIFY_ALLOW_HTTP = False
    response = client_for(admin_user).post(
        reverse("notification-channel-new"), form(url="http://example.com/x")
    )
    assert response.status_code == 400 and Channel.objects.count() == 0


def test_send_test_message_reports_the_platform_answer(client_for, admin_user, receiver):
    receiver.answer("/robot/send", body='{"errcode":300001,"errmsg":"token is not exist"}')
    channel = make_channel("dingtalk", url=receiver.url("/robot/send?access_token=x"))
    client = client_for(admin_user)
    response = client.post(reverse("notification-channel-test", kwargs={"pk": channel.pk}), follow=True)
    assert "not delivered" in response.content.decode() and "token is not exist" in response.content.decode()
    receiver.answer("/robot/send", body='{"errcode":0}')
    response = client.post(reverse("notification-channel-test", kwargs={"pk": channel.pk}), follow=True)
    assert "Test message delivered." in response.content.decode()
    assert list(Notification.objects.values_list("status", flat=True).order_by("pk")) == ["failed", "sent"]
    page = client.get(reverse("notification-channel", kwargs={"pk": channel.pk})).content.decode()
    assert "token is not exist" in page  # the recent deliveries show the answer
    assert client.get(reverse("notification-channel-test", kwargs={"pk": channel.pk})).status_code == 405


@pytest.mark.parametrize("kind", ["dingtalk", "feishu", "wecom", "slack", "generic", "email"])
def test_preview_shows_every_message(client_for, admin_user, team, kind):
    channel = make_channel(kind, url="https://example.com/hook", emails="a@example.com")
    page = client_for(admin_user).get(reverse("notification-channel-preview", kwargs={"pk": channel.pk}))
    assert page.status_code == 200
    html = page.content.decode()
    for event in ("submitted", "published", "reminder", "incident", "digest", "test"):
        assert f'id="preview-{event}"' in html
    email_urls = re.findall(r'<iframe[^>]* src="([^"]+)"', html)
    assert len(email_urls) == (6 if kind == "email" else 0)
    assert Notification.objects.count() == 0  # a preview sends nothing


def test_an_email_preview_is_its_own_framed_document_styled_inline(
    client_for, admin_user, lead, other_lead, team
):
    channel = make_channel("email", emails="a@example.com", team=team)
    page = client_for(admin_user).get(reverse("notification-channel-preview", kwargs={"pk": channel.pk}))
    assert "frame-src 'self'" in page["Content-Security-Policy"]
    assert "'unsafe-inline'" not in page["Content-Security-Policy"]
    url = reverse("notification-channel-preview-email", kwargs={"pk": channel.pk, "event": "digest"})
    assert url in page.content.decode()
    email = client_for(admin_user).get(url)
    assert email.status_code == 200
    document = email.content.decode()
    assert document.lower().startswith("<!doctype html>") and 'style="' in document
    policy = email["Content-Security-Policy"]
    # Inline styles, as mail clients need them, in this document only; no script; framed by this site only.
    assert "style-src 'unsafe-inline'" in policy and "script-src 'none'" in policy
    assert "default-src 'none'" in policy and "frame-ancestors 'self'" in policy
    assert email["X-Frame-Options"] == "SAMEORIGIN"
    assert client_for(lead).get(url).status_code == 200  # the team's lead manages its channel
    assert client_for(other_lead).get(url).status_code == 403
    unknown = reverse("notification-channel-preview-email", kwargs={"pk": channel.pk, "event": "nothing"})
    assert client_for(admin_user).get(unknown).status_code == 404
    webhook = make_channel("slack", name="s", url="https://hooks.slack.com/x")
    framed = reverse("notification-channel-preview-email", kwargs={"pk": webhook.pk, "event": "digest"})
    assert client_for(admin_user).get(framed).status_code == 404
    assert Notification.objects.count() == 0


def test_delete_is_post_only_and_removes_the_channel(client_for, admin_user):
    channel = make_channel("generic", url="https://example.com/h")
    client = client_for(admin_user)
    assert client.get(reverse("notification-channel-delete", kwargs={"pk": channel.pk})).status_code == 405
    assert client.post(reverse("notification-channel-delete", kwargs={"pk": channel.pk})).status_code == 302
    assert not Channel.objects.exists()


def test_list_query_count_does_not_grow_with_channels(client_for, admin_user, django_assert_num_queries):
    client = client_for(admin_user)
    make_channel("generic", url="https://example.com/1")
    client.get(reverse("notification-channels"))
    with django_assert_num_queries(3) as first:
        client.get(reverse("notification-channels"))
    for number in range(8):
        make_channel("slack", name=f"s{number}", url=f"https://hooks.slack.com/{number}")
    with django_assert_num_queries(len(first.captured_queries)):
        html = client.get(reverse("notification-channels")).content.decode()
    assert html.count("data-channel=") == 9
