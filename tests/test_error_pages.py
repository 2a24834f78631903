"""The site's own error pages: a refused action explains itself, a missing page offers a way back."""

import pytest
from django.urls import reverse

from common.weeks import IsoWeek

pytestmark = pytest.mark.django_db


def test_a_lead_refused_publishing_reads_why(client_for, lead, team):
    url = reverse("team-week-publish", kwargs={"team": team.slug, "week": IsoWeek(2024, 33)})
    response = client_for(lead).post(url)
    assert response.status_code == 403
    assert "Only a manager or an admin can publish a week" in response.content.decode()


def test_an_unknown_week_is_a_friendly_404(client_for, manager):
    response = client_for(manager).get("/weeks/2024-W99/")
    assert response.status_code == 404
    assert "There is no such page" in response.content.decode()
    assert 'href="/"' in response.content.decode()
