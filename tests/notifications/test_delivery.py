"""Deliveries to a real receiver on 127.0.0.1: each platform's body and signature, recomputed as the
platform does; failures retried with backoff and finally marked failed, never costing the save."""

import base64
import hashlib
import hmac
import json
import time

import pytest

from notifications import events
from notifications.delivery import backoff_seconds, deliver_due
from notifications.models import DeliveryAttempt, Notification
from reports.models import WeeklyReport
from tests.factories import make_report
from tests.notifications.factories import make_channel

pytestmark = pytest.mark.django_db
SECRET = "SEC1234567890abcdef-secret"


def deliver_all():
    while deliver_due():
        pass


def only_request(receiver, path):
    requests = receiver.at(path)
    assert len(requests) == 1
    return requests[0]


def test_dingtalk_markdown_signed_in_the_query_with_milliseconds(receiver):
    receiver.answer("/robot/send", body='{"errcode":0,"errmsg":"ok"}')
    channel = make_channel("dingtalk", url=receiver.url("/robot/send?access_token=T0KEN"), secret=SECRET)
    events.send_test(channel)
    before = int(time.time() * 1000)
    deliver_all()
    request = only_request(receiver, "/robot/send")
    assert request.query["access_token"] == ["T0KEN"]
    timestamp, sign = request.query["timestamp"][0], request.query["sign"][0]
    assert abs(int(timestamp) - before) < 60_000  # milliseconds, close to now
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert sign == expected  # parse_qs undid the URL encoding, as DingTalk does
    body = json.loads(request.body)
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["title"] == "Test message from reportsite"
    assert "https://reports.example.com/" in body["markdown"]["text"]
    assert Notification.objects.get().status == Notification.Status.SENT


def test_feishu_card_signed_in_the_body_with_seconds_and_the_string_as_key(receiver):
    receiver.answer("/open-apis/bot/v2/hook/abc", body='{"code":0,"msg":"success","data":{}}')
    channel = make_channel("feishu", url=receiver.url("/open-apis/bot/v2/hook/abc"), secret=SECRET)
    events.send_test(channel)
    deliver_all()
    body = json.loads(only_request(receiver, "/open-apis/bot/v2/hook/abc").body)
    timestamp = body["timestamp"]
    assert abs(int(timestamp) - time.time()) < 60  # seconds
    string_to_sign = f"{timestamp}\n{SECRET}"
    expected = base64.b64encode(hmac.new(string_to_sign.encode(), b"", hashlib.sha256).digest()).decode()
    assert body["sign"] == expected
    assert body["msg_type"] == "interactive"
    assert body["card"]["header"]["title"]["content"] == "Test message from reportsite"
    button = body["card"]["elements"][-1]["actions"][0]
    assert button["url"] == "https://reports.example.com/"
    assert Notification.objects.get().status == Notification.Status.SENT


def test_wecom_markdown_with_the_key_in_the_url_and_no_signature(receiver):
    receiver.answer("/cgi-bin/webhook/send", body='{"errcode":0,"errmsg":"ok"}')
    channel = make_channel("wecom", url=receiver.url("/cgi-bin/webhook/send?key=K3Y"))
    events.send_test(channel)
    deliver_all()
    request = only_request(receiver, "/cgi-bin/webhook/send")
    assert request.query == {"key": ["K3Y"]}
    body = json.loads(request.body)
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["content"].startswith("### Test message from reportsite")
    assert Notification.objects.get().status == Notification.Status.SENT


def test_slack_blocks_in_mrkdwn_answered_ok(receiver):
    receiver.answer("/services/T/B/X", body="ok")
    channel = make_channel("slack", url=receiver.url("/services/T/B/X"))
    events.send_test(channel)
    deliver_all()
    body = json.loads(only_request(receiver, "/services/T/B/X").body)
    assert body["text"].startswith("Test message from reportsite")
    assert body["blocks"][0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Test message from reportsite"},
    }
    assert body["blocks"][-1]["elements"][0]["url"] == "https://reports.example.com/"
    assert Notification.objects.get().status == Notification.Status.SENT


def test_generic_json_carries_an_hmac_of_timestamp_and_raw_body(receiver, team, lead):
    channel = make_channel("generic", url=receiver.url("/hook"), secret=SECRET)
    report = make_report(team, "2024-W33", status=WeeklyReport.Status.DRAFT)
    report.status, report.submitted_by = WeeklyReport.Status.SUBMITTED, lead
    report.save()
    deliver_all()
    request = only_request(receiver, "/hook")
    timestamp = request.headers["X-Reportsite-Timestamp"]
    expected = hmac.new(SECRET.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256).hexdigest()
    assert request.headers["X-Reportsite-Signature"] == f"sha256={expected}"
    assert request.headers["X-Reportsite-Event"] == "submitted"
    body = json.loads(request.body)
    assert body["event"] == "submitted"
    assert body["data"] == {"team": "payments", "week": "2024-W33", "by": "lead"}
    assert body["url"] == "https://reports.example.com/teams/payments/weeks/2024-W33/"
    assert request.headers["X-Reportsite-Delivery"] == str(Notification.objects.get(channel=channel).pk)


def test_email_list_gets_text_and_html(mailoutbox):
    channel = make_channel("email", emails="a@example.com\nb@example.com")
    events.send_test(channel)
    deliver_all()
    (message,) = mailoutbox
    assert message.to == ["a@example.com", "b@example.com"]
    assert message.subject == "Test message from reportsite"
    html, mime = message.alternatives[0]
    assert mime == "text/html" and "<h1" in html and "Test message from reportsite" in html


def test_a_200_with_an_error_code_is_a_failure_with_the_answer_kept(receiver):
    receiver.answer("/robot/send", body='{"errcode":310000,"errmsg":"sign not match"}')
    make_channel("dingtalk", url=receiver.url("/robot/send?access_token=T"), secret=SECRET)
    events.send_test(make_channel("dingtalk", name="other", url=receiver.url("/robot/send?access_token=T")))
    deliver_all()
    row = Notification.objects.get()
    assert row.status == Notification.Status.FAILED  # a test message is tried once
    attempt = row.delivery_attempts.get()
    assert attempt.http_status == 200 and "sign not match" in attempt.answer
    assert "errcode 310000" in row.last_error


@pytest.mark.parametrize("failure", ["500", "timeout", "refused"])
def test_failing_receiver_is_retried_then_marked_failed_and_the_save_stood(
    receiver, refused_url, team, lead, failure, settings
):
    if failure == "500":
        receiver.answer("/hook", status=500, body="boom")
        url = receiver.url("/hook")
    elif failure == "timeout":
        receiver.answer("/hook", delay=2.5)  # the timeout is 1 s
        url = receiver.url("/hook")
    else:
        url = refused_url
    make_channel("generic", url=url, secret=SECRET, team=team)
    report = make_report(team, "2024-W33", status=WeeklyReport.Status.DRAFT)
    report.status = WeeklyReport.Status.SUBMITTED
    report.save()
    deliver_all()
    assert WeeklyReport.objects.get(pk=report.pk).status == WeeklyReport.Status.SUBMITTED
    row = Notification.objects.get()
    assert row.status == Notification.Status.FAILED
    assert row.attempts == settings.NOTIFY_MAX_ATTEMPTS == 3
    attempts = list(row.delivery_attempts.order_by("number"))
    assert [attempt.number for attempt in attempts] == [1, 2, 3]
    assert not any(attempt.ok for attempt in attempts)
    expected = {"500": "HTTP 500", "timeout": "timed out", "refused": "connection failed"}[failure]
    assert expected in row.last_error
    if failure == "500":
        assert attempts[0].http_status == 500 and attempts[0].answer == "boom"
        assert len(receiver.at("/hook")) == 3
    assert url not in row.last_error and SECRET not in "".join(a.error + a.answer for a in attempts)


def test_a_failure_then_success_waits_with_growing_backoff(receiver, settings):
    settings.NOTIFY_RETRY_BASE_SECONDS = 60
    receiver.answer("/hook", status=503)
    events.send_test(make_channel("generic", url=receiver.url("/hook")))
    row = Notification.objects.get()
    row.max_attempts = 5
    row.save()
    deliver_all()
    row.refresh_from_db()
    assert row.status == Notification.Status.PENDING and row.attempts == 1
    wait = (row.next_attempt_at - row.delivery_attempts.get().started_at).total_seconds()
    assert 30 <= wait <= 61  # 60 s step, half of it jittered
    assert deliver_due() == 0  # not due yet
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=row.created_at)
    receiver.answer("/hook", status=200)
    deliver_all()
    row.refresh_from_db()
    assert row.status == Notification.Status.SENT and row.attempts == 2
    assert DeliveryAttempt.objects.filter(notification=row, ok=True).count() == 1


def test_backoff_doubles_up_to_the_cap_with_jitter(settings):
    settings.NOTIFY_RETRY_BASE_SECONDS = 10
    settings.NOTIFY_RETRY_MAX_SECONDS = 100
    for attempt, step in [(1, 10), (2, 20), (3, 40), (4, 80), (5, 100), (9, 100)]:
        delays = {backoff_seconds(attempt) for _ in range(20)}
        assert all(step / 2 <= delay <= step for delay in delays)
        assert len(delays) > 1  # jittered


def test_a_client_error_is_not_retried(receiver):
    receiver.answer("/gone", status=404)
    events.send_test(make_channel("generic", url=receiver.url("/gone")))
    row = Notification.objects.get()
    row.max_attempts = 5
    row.save()
    deliver_all()
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED and row.attempts == 1
    assert len(receiver.at("/gone")) == 1
