"""Every form fuzzed: never a 5xx, and a refused input changes nothing, history included.

The weekly form is re-opened for each example (so the revision is current) and then a few of its
fields are replaced by hostile values; the incident form is built from hostile values outright.
Accepted input must be stored as typed; NUL characters must be refused at the field because
PostgreSQL cannot store them in text.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from incidents.models import FollowUpAction, Incident
from reports.models import KPIValue, WeeklyReport
from tests.pages.weekform_helpers import build_last_week, form_data
from tests.security.fuzz import FUZZ, hostile
from tests.security.helpers import census

pytestmark = pytest.mark.django_db

EDIT = reverse("team-week-edit", kwargs={"team": "payments", "week": "2024-W34"})
CREATE = reverse("incident-create", kwargs={"team": "payments", "week": "2024-W34"})


@pytest.fixture
def week(team, lead):
    return build_last_week(team)


def _texts_of_week() -> list[str]:
    report = WeeklyReport.objects.filter(week__number=34).first()
    if report is None:
        return []
    texts = [report.reflections, report.other]
    texts += [s.title + s.body for s in report.sections.all()]
    texts += [t.text + t.section_title for t in report.todos.all()]
    texts += [p.text for p in report.plans.all()]
    texts += [v.note for v in KPIValue.objects.filter(week__number=34)]
    return texts


@FUZZ
@given(changes=st.dictionaries(st.integers(0, 200), hostile, min_size=1, max_size=4), submit=st.booleans())
@example(changes={0: "\x00"}, submit=False)
@example(changes={0: "99999999999999999999", 1: "NaN"}, submit=True)
@example(changes={0: "1e999", 1: "-Infinity", 2: "x" * 100_000}, submit=False)
def test_fuzzed_weekly_form_never_fails_and_refusals_change_nothing(client_for, lead, week, changes, submit):
    client = client_for(lead)
    opened = client.get(EDIT)
    assert opened.status_code == 200
    data = form_data(opened)
    names = sorted(data)
    for index, value in changes.items():
        data[names[index % len(names)]] = value
    if submit:
        data["action"] = "submit"
    before = census()
    response = client.post(EDIT, data)
    assert response.status_code in (302, 400, 409), response.status_code
    if response.status_code != 302:
        assert census() == before
    assert not any("\x00" in text for text in _texts_of_week())


@pytest.mark.parametrize("field", ["reflections", "other", "plans_text", "sections-0-body", "todos-0-text"])
def test_a_nul_in_any_text_of_the_weekly_form_is_refused_at_the_field(client_for, lead, week, field):
    client = client_for(lead)
    data = form_data(client.get(EDIT))
    data[field] = "before\x00after"
    if field.startswith("sections"):
        data["sections-0-title"] = "标题"
    before = census()
    response = client.post(EDIT, data)
    assert response.status_code == 400
    assert "Null characters are not allowed." in response.content.decode()
    assert census() == before


def test_the_weekly_form_takes_100k_characters_and_unicode_as_typed(client_for, lead, week):
    client = client_for(lead)
    data = form_data(client.get(EDIT))
    text = "中文 עברית 😀 \u202e" + "x" * 100_000
    data["reflections"] = text
    assert client.post(EDIT, data).status_code == 302
    assert WeeklyReport.objects.get(week__number=34).reflections == text.strip()


INCIDENT_FIELDS = [
    "title", "kind", "grade", "affected_system", "started_at", "detected_at", "mitigated_at",
    "resolved_at", "detection", "responsibility_share", "impact_count", "description", "impact",
    "cause", "resolution", "actions-0-description", "actions-0-owner", "actions-0-due_on",
    "actions-0-done_on", "actions-TOTAL_FORMS", "actions-INITIAL_FORMS", "actions-MAX_NUM_FORMS",
]  # fmt: skip
VALID_INCIDENT = {
    "title": "对账文件延迟",
    "kind": "incident",
    "grade": "C",
    "started_at": "2024-08-20T11:05",
    "detection": "proactive",
    "responsibility_share": "1",
    "actions-TOTAL_FORMS": "1",
    "actions-INITIAL_FORMS": "0",
    "actions-0-description": "复盘",
}


@FUZZ
@given(changes=st.dictionaries(st.sampled_from(INCIDENT_FIELDS), hostile, min_size=1, max_size=5))
@example(changes={"started_at": "0001-01-01T00:00"})
@example(changes={"started_at": "9999-12-31T23:59"})
@example(changes={"resolved_at": "0001-01-01 00:00:00"})
@example(changes={"responsibility_share": "NaN", "impact_count": "99999999999999999999"})
@example(changes={"actions-TOTAL_FORMS": "99999999999999999999"})
@example(changes={"actions-TOTAL_FORMS": "-1", "actions-INITIAL_FORMS": "5"})
@example(changes={"actions-0-owner": "99999999999999999999", "actions-0-due_on": "9999-99-99"})
@example(changes={"title": "\x00", "description": "a\x00b"})
def test_fuzzed_incident_form_never_fails_and_refusals_change_nothing(client_for, lead, team, changes):
    client = client_for(lead)
    data = {**VALID_INCIDENT, **changes}
    before = census()
    incidents = Incident.objects.count()
    response = client.post(CREATE, data)
    assert response.status_code in (302, 400), response.status_code
    if response.status_code == 400:
        assert census() == before
    else:
        assert Incident.objects.count() == incidents + 1
    texts = [i.title + i.description + i.impact + i.cause + i.resolution for i in Incident.objects.all()]
    texts += [a.description for a in FollowUpAction.objects.all()]
    assert not any("\x00" in text for text in texts)


def test_the_valid_incident_is_accepted(client_for, lead, team):
    """The fuzz above starts from this; it must be a real, saveable incident."""
    response = client_for(lead).post(CREATE, VALID_INCIDENT)
    assert response.status_code == 302
    assert Incident.objects.get().actions.get().description == "复盘"


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_the_admin_incident_form_refuses_times_at_the_ends_of_the_calendar(client_for, admin_user, team, day):
    data = {
        "team": team.pk,
        "title": "x",
        "kind": "incident",
        "grade": "",
        "started_at_0": day,
        "started_at_1": "00:00:00",
        "detection": "proactive",
        "responsibility_share": "1",
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
    }
    before = census()
    response = client_for(admin_user).post(reverse("admin:incidents_incident_add"), data)
    assert response.status_code == 200
    assert "Enter a time between 1970 and 2999." in response.content.decode()
    assert census() == before
    data["started_at_0"] = "2024-08-20"
    assert client_for(admin_user).post(reverse("admin:incidents_incident_add"), data).status_code == 302
