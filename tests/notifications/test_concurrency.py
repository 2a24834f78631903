"""Two workers at once deliver every notification exactly once (PostgreSQL: FOR UPDATE SKIP LOCKED)."""

import json
import threading

import pytest
from django.db import connection, connections

from notifications.delivery import deliver_due
from notifications.events import notification, queue
from notifications.message import Message
from notifications.models import DeliveryAttempt, Notification
from tests.notifications.factories import make_channel

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SKIP LOCKED claims need PostgreSQL; SQLite runs one worker"
)

COUNT = 40


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_deliver_the_same_notification_twice(receiver):
    receiver.answer("/hook", delay=0.02)  # slow enough that both workers are busy at once
    channels = [make_channel("generic", name=f"c{n}", url=receiver.url("/hook")) for n in range(4)]
    queue(
        notification(Message(event="test", title=f"message {n}"), "en", channel=channels[n % 4])
        for n in range(COUNT)
    )
    start = threading.Barrier(2)
    tried: dict[str, int] = {}
    errors = []

    def worker(name):
        try:
            start.wait()
            total = 0
            while batch := deliver_due(limit=3):
                total += batch
            tried[name] = total
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    deliveries = [json.loads(request.body)["delivery"] for request in receiver.at("/hook")]
    assert len(deliveries) == COUNT
    assert len(set(deliveries)) == COUNT  # none twice
    assert sum(tried.values()) == COUNT
    assert tried["one"] > 0 and tried["two"] > 0  # both really worked
    assert Notification.objects.filter(status=Notification.Status.SENT, attempts=1).count() == COUNT
    assert DeliveryAttempt.objects.count() == COUNT


@pytest.mark.django_db
def test_a_claimed_row_is_not_claimed_again_until_its_lease_runs_out(receiver):
    channel = make_channel("generic", url=receiver.url("/hook"))
    (row,) = queue([notification(Message(event="test", title="once"), "en", channel=channel)])
    from notifications.delivery import claim

    assert [claimed.pk for claimed in claim()] == [row.pk]
    assert claim() == []  # sending, leased
    Notification.objects.filter(pk=row.pk).update(lease_until=row.created_at)  # the worker died
    (again,) = claim()
    assert again.pk == row.pk and again.attempts == 2
