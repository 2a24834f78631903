"""A list cell's choices display is kept per value only where Django made the display method."""

from __future__ import annotations

from functools import partialmethod

from common.lists.cells import _is_djangos_display
from incidents.models import Incident


def test_djangos_own_display_methods_are_recognised():
    assert _is_djangos_display(Incident, "get_grade_display")
    assert _is_djangos_display(Incident, "get_kind_display")
    assert not _is_djangos_display(Incident, "get_nothing_display")


def test_a_models_own_display_method_is_called_every_time():
    class Labelled:
        def _display(self, field):
            return "kept"

        get_grade_display = partialmethod(_display, field="grade")

    class Overridden(Labelled):
        def get_grade_display(self):  # depends on more than the value: never kept
            return "per record"

    assert _is_djangos_display(Labelled, "get_grade_display")
    assert not _is_djangos_display(Overridden, "get_grade_display")
