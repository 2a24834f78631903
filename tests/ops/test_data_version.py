"""The data version changes after every committed write to report data, by every path that writes it.

Cached pages are only as right as this token (ops/page_cache.py), so each way the app writes report
data is walked here with real commits (transactional_db): the weekly form, publish and unlock, the
incident form, the importer, the admin, the demo and bench loaders, a restore, and plain ORM calls.
"""

import re
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ops import data_version
from ops.backup import backup_to_file, restore_from_file
from ops.models import DataVersion, LoginFailure
from reports.access import LEADS_GROUP, MANAGERS_GROUP
from reports.models import KPI, KPIValue, Team, WeeklyReport
from tests.factories import make_kpi, make_report, make_team, make_user, make_value
from tests.incidents.test_incident_create import URL as INCIDENT_CREATE_URL
from tests.incidents.test_incident_create import post_data as incident_post_data
from tests.pages.weekform_helpers import build_last_week, edit_url, form_data
from tests.reports.test_admin_writes import admin_save

SEED = Path(__file__).resolve().parents[1] / "documents" / "fixtures" / "2024-W33.md"

pytestmark = pytest.mark.django_db(transaction=True)


def changes(action) -> bool:
    """Whether `action` leaves a different committed token behind."""
    before = data_version.current()
    action()
    after = data_version.current()
    return after is not None and after != before


def version_writes(queries) -> int:
    return sum(1 for query in queries if "ops_dataversion" in query["sql"] and "SELECT" not in query["sql"])


# ---------------------------------------------------------------- the mechanism


def test_the_migration_gives_a_token_and_every_write_a_new_one():
    DataVersion.objects.all().delete()  # as after a flush; the migration's row is tested below
    assert data_version.current() is None
    team = make_team("Payments", slug="payments")
    first = data_version.current()
    assert first is not None
    team.name = "Payments & Risk"
    team.save()
    assert data_version.current() not in (None, first)


def test_the_token_changes_at_the_commit_not_before_and_once_per_transaction():
    team = make_team("Payments", slug="payments")
    before = data_version.current()
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        kpi = make_kpi(team, "需求交付数")
        make_value(kpi, "2024-W33", 313)
        make_value(kpi, "2024-W32", 292)
        assert data_version.current() == before
    assert data_version.current() != before
    assert version_writes(queries.captured_queries) == 1


def test_a_rolled_back_transaction_leaves_the_token_alone():
    team = make_team("Payments", slug="payments")
    before = data_version.current()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_kpi(team, "需求交付数")
        raise RuntimeError("the form failed")
    assert data_version.current() == before


def test_writes_after_a_rolled_back_savepoint_still_change_the_token():
    """The savepoint drops the callback queued inside it; the later write queues its own."""
    team = make_team("Payments", slug="payments")
    before = data_version.current()
    with transaction.atomic():
        try:
            with transaction.atomic():
                make_kpi(team, "first")
                raise RuntimeError
        except RuntimeError:
            pass
        make_kpi(team, "second")
    assert data_version.current() != before


def test_the_migration_writes_the_first_token():
    from importlib import import_module

    from django.apps import apps

    DataVersion.objects.all().delete()
    import_module("ops.migrations.0002_dataversion").first_version(
        apps, SimpleNamespace(connection=connection)
    )
    assert len(data_version.current()) == 32


def test_a_lost_version_row_is_recreated_by_the_next_write():
    make_team("Payments", slug="payments")
    DataVersion.objects.all().delete()
    assert data_version.current() is None
    assert changes(lambda: make_team("Risk", slug="risk"))


def test_deletes_and_team_membership_changes_count():
    team = make_team("Payments", slug="payments")
    kpi = make_kpi(team, "需求交付数")
    value = make_value(kpi, "2024-W33", 313)
    user = make_user("lead")
    assert changes(value.delete)
    assert changes(lambda: team.leads.add(user))
    assert changes(lambda: team.leads.remove(user))
    assert changes(lambda: KPI.objects.filter(pk=kpi.pk).delete())


def test_renaming_a_user_counts_but_logging_in_does_not(client):
    user = make_user("lead", first_name="Wang")
    user.set_password("secret-password-1")
    user.save()
    assert not changes(lambda: client.login(username="lead", password="secret-password-1"))
    user.last_name = "Xiaoming"
    assert changes(user.save)


def test_rows_that_no_page_shows_do_not_count(client):
    make_team("Payments", slug="payments")
    assert not changes(lambda: LoginFailure.objects.create(key="user:someone"))
    assert not changes(lambda: client.post(reverse("login"), {"username": "nobody", "password": "wrong"}))


# ---------------------------------------------------------------- every path that writes


@pytest.fixture
def lead_with_last_week(client, team, lead):
    build_last_week(team)
    client.force_login(lead)
    return client


def test_saving_the_weekly_form(lead_with_last_week, team):
    client = lead_with_last_week
    data = form_data(client.get(edit_url(team)))
    assert changes(lambda: client.post(edit_url(team), data))


def test_saving_the_weekly_form_unchanged_still_counts_as_the_revision_moves(lead_with_last_week, team):
    client = lead_with_last_week
    client.post(edit_url(team), form_data(client.get(edit_url(team))))
    data = form_data(client.get(edit_url(team)))
    assert changes(lambda: client.post(edit_url(team), data))


def test_publishing_and_unlocking(client, team, admin_user):
    make_report(team, "2024-W33", status=WeeklyReport.Status.SUBMITTED)
    client.force_login(admin_user)
    kwargs = {"team": team.slug, "week": "2024-W33"}
    assert changes(lambda: client.post(reverse("team-week-publish", kwargs=kwargs)))
    assert changes(lambda: client.post(reverse("team-week-unlock", kwargs=kwargs)))
    assert WeeklyReport.objects.get().status != WeeklyReport.Status.PUBLISHED


def test_recording_an_incident(client, team, lead):
    client.force_login(lead)
    response = None

    def record():
        nonlocal response
        response = client.post(INCIDENT_CREATE_URL, incident_post_data())

    assert changes(record)
    assert response.status_code == 302


def test_importing_a_document(team):
    assert changes(
        lambda: call_command("import_report", str(SEED), "--team", team.slug, "--create-kpis", verbosity=0)
    )
    assert KPIValue.objects.filter(kpi__team=team).exists()


def test_an_admin_edit(client, team, admin_user):
    value = make_value(make_kpi(team, "需求交付数"), "2024-W33", 313)
    client.force_login(admin_user)
    assert changes(lambda: admin_save(client, value, value="314"))


def test_archiving_in_the_admin(client, team, admin_user):
    kpi = make_kpi(team, "需求交付数")
    client.force_login(admin_user)
    changelist = reverse("admin:reports_kpi_changelist")
    assert changes(
        lambda: client.post(changelist, {"action": "archive_selected", "_selected_action": [kpi.pk]})
    )
    kpi.refresh_from_db()
    assert kpi.is_active is False


def test_loading_the_demo(settings):
    settings.DEBUG = True
    assert changes(lambda: call_command("load_demo", verbosity=0))


def test_bulk_writes_of_the_bench_generator_and_its_raw_deletes():
    from bench import generator

    # The flush between transactional tests took the role groups a migration made.
    for name in (LEADS_GROUP, MANAGERS_GROUP):
        Group.objects.get_or_create(name=name)
    # --fresh: the marker table is not Django's, so a flush between transactional tests leaves another
    # test's dataset marker behind, and without --fresh the command refuses to replace it.
    seed = ["seed_bench", "--scale", "1", "--weeks", "2", "--force", "--fresh"]
    assert changes(lambda: call_command(*seed, verbosity=0, stdout=StringIO()))
    assert changes(generator.delete_bench_data)


def test_a_restore(tmp_path, team):
    make_value(make_kpi(team, "需求交付数"), "2024-W33", 313)
    backup = tmp_path / "backup.json"
    backup_to_file(backup)
    assert changes(lambda: restore_from_file(backup, force=True))
    assert KPIValue.objects.get().value == 313


def test_a_queryset_update_elsewhere_is_not_seen_which_is_why_the_app_calls_changed():
    """The one gap, pinned: update() sends no signal, so code that uses it must call changed()."""
    team = make_team("Payments", slug="payments")
    before = data_version.current()
    Team.objects.filter(pk=team.pk).update(name="renamed")
    assert data_version.current() == before
    data_version.changed()
    assert data_version.current() != before


# Writes that send no signal: a queryset's update(), bulk inserts, raw deletes and SQL.
SILENT_WRITE = re.compile(r"\)\.update\(|\bbulk_create|\bbulk_update|_raw_delete|\.cursor\(|\.raw\(")
REVIEWED = {
    # update() of a report's revision: WeeklyReportQuerySet.bump_revision calls data_version.changed()
    "reports/models.py",
    # bulk inserts and raw deletes, followed by data_version.changed()
    "pages/demo/loader.py",
    "bench/generator.py",
    # the restore calls changed() after loaddata; the health check and the bench's SQL floor only read
    "ops/backup.py",
    "ops/views.py",
    "bench/measure.py",
    # the change log runs its union, compiled once, through a cursor: a SELECT, it only reads
    "pages/history.py",
    # login failures are no page's data; the version row is the version itself
    "ops/throttle.py",
    "ops/data_version.py",
    # kept fragments, the ranking's and the look-back's figures are worked out from the data, never shown
    # as data themselves
    "ops/fragment_store.py",
    "reports/week_figures.py",
    "okrs/kept_look_back.py",
    # the bulk PUT of a week's values: bulk writes and a raw delete, followed by data_version.changed()
    "api/services.py",
    # a token's last use is no page's data
    "api/models.py",
}


def test_every_write_that_sends_no_signal_is_in_a_reviewed_module():
    """A new silent write fails here until someone makes it call data_version.changed() and lists it."""
    root = Path(__file__).resolve().parents[2]
    found = {
        str(path.relative_to(root))
        for folder in ("common", "reports", "okrs", "incidents", "pages", "documents", "ops", "bench", "api")
        for path in (root / folder).rglob("*.py")
        if "migrations" not in path.parts and SILENT_WRITE.search(path.read_text(encoding="utf-8"))
    }
    assert found - REVIEWED == set()
