"""Backups: every row of every model (history, users, groups included) survives backup → flush → restore."""

import datetime as dt
import gzip
import json
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.utils import timezone

from incidents.models import FollowUpAction
from ops.backup import MIGRATION_MADE, backed_up_models, flush_database
from ops.models import LoginFailure
from reports.access import LEADS_GROUP
from reports.models import KPI, PlanItem, ReportSection, Team, TodoItem, WeeklyReport
from tests.factories import (
    make_incident,
    make_key_result,
    make_kpi,
    make_lead,
    make_manager,
    make_objective,
    make_report,
    make_team,
    make_update,
    make_user,
    make_value,
)
from tests.reports.test_week_figures import expected_previous, stored_previous


def build_varied_data():
    """A little of everything, with history written by a named user and digits that must survive."""
    admin = make_user("root", is_staff=True, is_superuser=True, first_name="王", last_name="小明")
    auditors = Group.objects.create(name="Auditors")
    auditors.permissions.add(Permission.objects.get(codename="view_team"))
    department = make_team("研发中心", slug="rd")
    payments = make_team("Payments", slug="payments", parent=department, position=2)
    lead = make_lead(payments, "lead")
    lead.user_permissions.add(Permission.objects.get(codename="change_kpi"))
    make_manager("boss").groups.add(auditors)
    member = make_user("member", is_active=False)
    payments.members.add(member)

    kpi = make_kpi(payments, "支付成功率", unit=KPI.Unit.PERCENT, target=Decimal("99.950000"))
    for week, value in (("2024-W31", "99.123456"), ("2024-W32", "0.000001"), ("2024-W33", "-12345.5")):
        make_value(kpi, week, value, note=f"note {week}")
    report = make_report(payments, "2024-W33", reflections="**收获**与反思", updated_by=lead)
    earlier = make_report(payments, "2024-W32", status="published", published_by=admin)
    ReportSection.objects.create(report=report, position=1, title="支付", body="- a\n- b")
    TodoItem.objects.create(report=earlier, text="carry me", done_in=report)
    PlanItem.objects.create(report=report, text="next week", is_done=True)

    key_result = make_key_result(make_objective(payments, code="O2"), owner=lead)
    make_update(key_result, "2024-W33", progress="37.50", note="on track")
    incident = make_incident(payments, title="P1 支付超时", responsibility_share=Decimal("0.33"))
    FollowUpAction.objects.create(
        incident=incident, description="add alert", owner=lead, due_on=dt.date(2024, 9, 1)
    )

    # Change history: an edit by a named user, then a deletion whose history must outlive the row.
    payments._history_user = admin
    payments.name = "Payments & Clearing"
    payments.save()
    make_team("Gone", slug="gone").delete()
    LogEntry.objects.log_actions(
        user_id=admin.pk, queryset=Team.objects.filter(pk=payments.pk), action_flag=CHANGE, change_message="x"
    )
    LoginFailure.objects.create(key="user:someone")


def snapshot():
    """Every row of every backed-up model, compared by primary key except where migrations make rows.

    Content types, permissions and groups get new primary keys in a flushed database, so they and every
    reference to them are compared by natural key.
    """
    content_types = {ct.pk: (ct.app_label, ct.model) for ct in ContentType.objects.all()}
    state = {}
    for model in backed_up_models():
        label = model._meta.label
        if model is ContentType:
            state[label] = sorted(content_types.values())
        elif model is Permission:
            rows = Permission.objects.values_list("content_type__app_label", "codename", "name")
            state[label] = sorted(rows)
        elif model is Group:
            state[label] = sorted(
                (group.name, sorted(group.permissions.values_list("codename", flat=True)))
                for group in Group.objects.all()
            )
        else:
            type_columns = {
                field.attname
                for field in model._meta.concrete_fields
                if field.is_relation and field.related_model is ContentType
            }
            state[label] = [
                {name: content_types[value] if name in type_columns else value for name, value in row.items()}
                for row in model._default_manager.order_by("pk").values()
            ]
        for field in model._meta.many_to_many:
            if not field.remote_field.through._meta.auto_created or model in MIGRATION_MADE:
                continue
            target = field.related_model
            key = "name" if target is Group else "codename" if target is Permission else "pk"
            state[f"{label}.{field.name}"] = sorted(
                model._default_manager.filter(**{f"{field.name}__isnull": False}).values_list(
                    "pk", f"{field.name}__{key}"
                )
            )
    return state


@pytest.fixture
def varied(db):
    build_varied_data()
    return snapshot()


def wipe():
    flush_database()
    assert not User.objects.exists() and not Team.objects.exists()


def test_every_model_the_app_owns_is_backed_up_and_transient_ones_are_not():
    labels = {model._meta.label_lower for model in backed_up_models()}
    assert {"auth.user", "auth.group", "reports.kpivalue", "reports.historicalteam"} <= labels
    assert {"incidents.historicalincident", "okrs.historicalkeyresultupdate", "admin.logentry"} <= labels
    assert "sessions.session" not in labels and "ops.loginfailure" not in labels
    # Worked out again from the values: a restore renews them by its own writes.
    assert "ops.keptfragment" not in labels and "reports.kpivaluefigures" not in labels
    assert "okrs.keyresultupdatefigures" not in labels


@pytest.mark.parametrize("name", ["backup.json", "backup.json.gz"])
def test_backup_flush_restore_gives_back_every_row(varied, tmp_path, name):
    path = tmp_path / name
    call_command("backup", output=str(path), verbosity=0)
    wipe()
    call_command("restore", str(path), verbosity=0)
    assert snapshot() == varied


def test_the_snapshot_is_sensitive_to_a_changed_digit(varied):
    # Guards the round-trip test itself: a comparison that could not see one digit would prove nothing.
    kpi_value = KPI.objects.get(name="支付成功率").values.get(week__year=2024, week__number=32)
    kpi_value.value = Decimal("0.000002")
    kpi_value.save()
    assert snapshot() != varied


def test_restored_history_and_digits_are_exact(varied, tmp_path):
    path = tmp_path / "backup.json.gz"
    call_command("backup", output=str(path), verbosity=0)
    wipe()
    call_command("restore", str(path), verbosity=0)
    payments = Team.objects.get(slug="payments")
    assert [h.name for h in payments.history.order_by("history_id")] == ["Payments", "Payments & Clearing"]
    assert payments.history.latest("history_id").history_user.username == "root"
    assert Team.history.filter(slug="gone", history_type="-").exists()
    values = KPI.objects.get(name="支付成功率").values.order_by("week__starts_on")
    assert [v.value for v in values] == [Decimal("99.123456"), Decimal("0.000001"), Decimal("-12345.5")]
    assert stored_previous() == expected_previous()
    assert User.objects.get(username="lead").groups.filter(name=LEADS_GROUP).exists()
    assert User.objects.get(username="lead").check_password("pw-lead")
    assert not LoginFailure.objects.exists()


def test_backup_file_is_json_with_natural_keys_for_migration_made_rows(varied, tmp_path):
    path = tmp_path / "backup.json.gz"
    call_command("backup", output=str(path), verbosity=0)
    rows = json.loads(gzip.decompress(path.read_bytes()))
    groups = [row for row in rows if row["model"] == "auth.group"]
    assert groups and all("pk" not in row for row in groups)
    lead = next(row for row in rows if row["model"] == "auth.user" and row["fields"]["username"] == "lead")
    assert [LEADS_GROUP] in lead["fields"]["groups"]


def test_restore_into_a_database_with_data_is_refused_and_changes_nothing(varied, tmp_path):
    path = tmp_path / "backup.json"
    call_command("backup", output=str(path), verbosity=0)
    Team.objects.filter(slug="rd").update(name="changed after backup")
    with pytest.raises(CommandError, match="not empty.*--force"):
        call_command("restore", str(path), verbosity=0)
    assert Team.objects.get(slug="rd").name == "changed after backup"


def test_restore_with_force_replaces_existing_data(varied, tmp_path):
    path = tmp_path / "backup.json"
    call_command("backup", output=str(path), verbosity=0)
    Team.objects.filter(slug="rd").update(name="changed after backup")
    make_user("created-after-backup")
    call_command("restore", str(path), force=True, verbosity=0)
    assert snapshot() == varied


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.json", None, "does not exist"),
        ("backup.txt", "[]", "ends in .json"),
        ("broken.json", '[{"model": "auth.user", "fie', "not a readable JSON backup"),
        ("other.json", '{"hello": "world"}', "not a reportsite backup"),
        ("broken.json.gz", "not gzip at all", "not a readable JSON backup"),
        ("unknown.json", '[{"model": "nope.nothing", "pk": 1, "fields": {}}]', "rolled back"),
    ],
)
def test_bad_backup_files_are_rejected_with_nothing_written(db, tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), verbosity=0)
    assert not User.objects.exists()


def test_a_failing_restore_rolls_back_the_forced_flush(varied, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([{"model": "reports.team", "pk": 1, "fields": {"no_such_field": 1}}]))
    with pytest.raises(CommandError, match="rolled back"):
        call_command("restore", str(path), force=True, verbosity=0)
    assert snapshot() == varied


def test_backup_refuses_a_missing_folder_or_odd_name(db, tmp_path):
    with pytest.raises(CommandError, match="not an existing folder"):
        call_command("backup", output=str(tmp_path / "nope" / "b.json"))
    with pytest.raises(CommandError, match="must end in"):
        call_command("backup", output=str(tmp_path / "b.sql"))


def test_backup_default_name_is_timestamped(db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    call_command("backup", verbosity=0)
    [written] = tmp_path.iterdir()
    assert written.name.startswith("reportsite-backup-") and written.name.endswith(".json.gz")
    assert json.loads(gzip.decompress(written.read_bytes()))


def test_datetimes_keep_every_microsecond(varied, tmp_path):
    # Django's JSON encoder would cut this to .123; the backup must not.
    stamp = timezone.make_aware(dt.datetime(2024, 8, 12, 9, 27, 31, 123456))
    WeeklyReport.objects.filter(team__slug="payments").update(submitted_at=stamp)
    path = tmp_path / "b.json"
    call_command("backup", output=str(path), verbosity=0)
    wipe()
    call_command("restore", str(path), verbosity=0)
    restored = set(WeeklyReport.objects.values_list("submitted_at", flat=True))
    assert restored == {stamp}
