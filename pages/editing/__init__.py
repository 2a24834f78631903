"""The weekly form's service: read a week (loading), write it in one transaction (saving)."""

from pages.editing.loading import WeekData, flatten, initial_for, load_week
from pages.editing.saving import (
    ConflictRow,
    EditConflict,
    WeekLocked,
    describe_conflict,
    rebind_after_conflict,
    save_week,
)

__all__ = [
    "ConflictRow",
    "EditConflict",
    "WeekData",
    "WeekLocked",
    "describe_conflict",
    "flatten",
    "initial_for",
    "load_week",
    "rebind_after_conflict",
    "save_week",
]
