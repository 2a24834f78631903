"""Webhooks reach the public internet only: no channel makes the server fetch its own network (SSRF).

A lead adds a channel and presses *Send a test message*, which shows the answer; an address on the
server's network would read it to them. Refused as typed (the form) and as reached (the connection).
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from notifications import addresses
from notifications.models import Channel, Notification
from notifications.platforms import judge
from tests.notifications.factories import make_channel
from tests.security.helpers import census

pytestmark = pytest.mark.django_db

PRIVATE = [
    "https://127.0.0.1/hook",
    "https://169.254.169.254/latest/meta-data/",
    "https://[::1]/hook",
    "https://[::ffff:127.0.0.1]/hook",
    "https://[fe80::1%25eth0]/hook",
    "https://10.0.0.5/hook",
    "https://192.168.1.1/hook",
    "https://172.16.0.1/hook",
    "https://100.64.0.1/hook",
    "https://0.0.0.0/hook",
    "https://localhost/hook",
    "https://localhost./hook",
    "https://reports.localhost/hook",
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://intranet/hook",
    "https://127.1/hook",
    "https://2130706433/hook",
    "https://0x7f000001/hook",
    "https://0177.0.0.1/hook",
    "https://user:pass@127.0.0.1:8443/hook",
]


@pytest.fixture
def production(settings):
    settings.NOTIFY_ALLOW_HTTP = False
    settings.NOTIFY_ALLOW_PRIVATE_ADDRESSES = False


def _form(url, team=None):
    return {"name": "hook", "kind": "generic", "language": "en", "url": url, "secret": "", "emails": "",
            "team": team.pk if team else "", "on_submitted": "on", "is_active": "on"}  # fmt: skip


@pytest.mark.parametrize("url", PRIVATE)
def test_a_lead_cannot_save_a_webhook_on_the_servers_network(client_for, lead, team, production, url):
    before = census()
    response = client_for(lead).post(reverse("notification-channel-new"), _form(url, team))
    assert response.status_code == 400, response.status_code
    errors = " ".join(response.context["form"].errors["url"])
    assert "public address" in errors
    assert census() == before and not Channel.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        "https://oapi.dingtalk.com/robot/send?access_token=x",
        "https://8.8.8.8/hook",
        "https://[2606:4700::1]/x",
    ],
)
def test_public_addresses_are_saved(client_for, lead, team, production, url):
    response = client_for(lead).post(reverse("notification-channel-new"), _form(url, team))
    assert response.status_code == 302, response.context["form"].errors
    assert Channel.objects.get().url == url


def test_the_setting_allows_a_receiver_inside_the_company(client_for, lead, team, settings):
    settings.NOTIFY_ALLOW_PRIVATE_ADDRESSES = True
    response = client_for(lead).post(
        reverse("notification-channel-new"), _form("https://10.0.0.5/hook", team)
    )
    assert response.status_code == 302


def test_a_name_that_resolves_to_the_server_is_refused_at_the_connection(
    client_for, admin_user, receiver, settings
):
    """A public-looking name can resolve (or be rebound) to 127.0.0.1: the address reached decides."""
    settings.NOTIFY_ALLOW_PRIVATE_ADDRESSES = False
    channel = make_channel("generic", url=receiver.url("/hook").replace("127.0.0.1", "localhost"))
    response = client_for(admin_user).post(
        reverse("notification-channel-test", kwargs={"pk": channel.pk}), follow=True
    )
    assert receiver.requests == []
    assert "private or local address" in response.content.decode()
    notification = Notification.objects.get(channel=channel)
    # It will not become public by retrying.
    assert notification.status == Notification.Status.FAILED and notification.attempts == 1


@pytest.fixture
def redirecting():
    """Answers /hook with a redirect to /next, and counts what reaches /next."""
    reached = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path.startswith("/next"):
                reached.append(self.path)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"secret of the internal service")
                return
            self.send_response(302)
            self.send_header("Location", f"http://127.0.0.1:{server.server_address[1]}/next")
            self.end_headers()

        do_GET = do_POST

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", reached
    server.shutdown()
    server.server_close()


def test_a_redirect_is_not_followed(client_for, admin_user, redirecting):
    url, reached = redirecting
    channel = make_channel("generic", url=url)
    client_for(admin_user).post(reverse("notification-channel-test", kwargs={"pk": channel.pk}))
    assert reached == []
    notification = Notification.objects.get()
    assert notification.status != Notification.Status.SENT
    assert "secret of the internal service" not in notification.last_error


@pytest.mark.parametrize(
    ("address", "public"),
    [("8.8.8.8", True), ("127.0.0.1", False), ("::ffff:10.0.0.1", False), ("fe80::1%eth0", False),
     ("224.0.0.1", False), ("2606:4700::1", True), ("not an address", False)],
)  # fmt: skip
def test_is_public(address, public):
    assert addresses.is_public(address) is public


@pytest.mark.parametrize(
    "body",
    [
        "oops\x00there",
        '{"errcode": 7, "errmsg": "a\\u0000b"}',
        "[" * 3000,
        '{"errcode": 1, "errmsg": "\\ud800"}',
    ],
    ids=["nul", "escaped-nul", "deep", "lone-surrogate"],
)
def test_a_hostile_answer_is_recorded_as_a_failed_try(client_for, admin_user, receiver, body):
    """What a platform answers is stored and shown: it must fit a text column and a page, whatever it is."""
    receiver.answer("/robot/send", body=body)
    channel = make_channel("dingtalk", url=receiver.url("/robot/send?access_token=x"))
    response = client_for(admin_user).post(
        reverse("notification-channel-test", kwargs={"pk": channel.pk}), follow=True
    )
    assert response.status_code == 200
    assert "not delivered" in response.content.decode()
    notification = Notification.objects.get(channel=channel)
    assert notification.status != Notification.Status.SENT
    for text in [
        notification.last_error,
        *(a.answer + a.error for a in notification.delivery_attempts.all()),
    ]:
        assert "\x00" not in text
        text.encode("utf-8")


def test_an_answer_nested_past_the_recursion_limit_is_not_json():
    verdict = judge("dingtalk", 200, "[" * 100_000)
    assert not verdict.ok and verdict.reason == "not JSON"


LONG_HOST = ".".join(["a" * 63] * 3) + ".com"  # 196 characters: a valid DNS name


@pytest.mark.parametrize(
    "url",
    ["https://[::1", "https://example.com:99999/x", "https://example.com:-1/x",
     "https://" + "a" * 300 + ".com/x", "https://example.com/" + "x" * 3000],
    ids=["unclosed-ipv6", "port-too-high", "negative-port", "host-too-long", "url-too-long"],
)  # fmt: skip
def test_an_address_urlsplit_refuses_or_no_column_holds_is_a_form_error(client_for, lead, team, url):
    before = census()
    response = client_for(lead).post(reverse("notification-channel-new"), _form(url, team))
    assert response.status_code == 400, response.status_code
    assert response.context["form"].errors["url"]
    assert census() == before and not Channel.objects.exists()


def test_a_long_public_host_is_saved_and_its_hint_fits(client_for, lead, team, production):
    url = f"https://{LONG_HOST}/hook/abcd"
    response = client_for(lead).post(reverse("notification-channel-new"), _form(url, team))
    assert response.status_code == 302, response.context["form"].errors
    channel = Channel.objects.get()
    assert channel.url == url
    assert len(channel.url_hint) <= 200 and channel.url_hint.endswith("abcd")


def test_the_refusal_is_in_the_readers_language(client_for, lead, team, production):
    client = client_for(lead)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    response = client.post(reverse("notification-channel-new"), _form("https://127.0.0.1/hook", team))
    assert "是私有或本地地址；请填写平台的公网地址。" in response.content.decode()
