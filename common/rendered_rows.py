"""A list of table rows that a page prints as kept HTML and other readers read as objects.

The overview keeps the rows it shows as rendered markup (pages/overview.py): printing them is joining
strings. The weekly digest and the tests read the same lists as row objects, which are loaded (by id,
in one go) only when something iterates them; the page never does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe


class RenderedRows(Sequence):
    """Rows in order: `html` for the page, the rows themselves (loaded on first use) for everything else."""

    def __init__(self, html: list[str], load: Callable[[], list]):
        self._html = html
        self._load = load

    @property
    def html(self) -> SafeString:
        # Each piece was written by a row writer that escaped every value.
        return mark_safe("".join(self._html))  # noqa: S308

    @cached_property
    def _rows(self) -> list:
        rows = self._load()
        if len(rows) != len(self._html):
            raise LookupError(f"{len(self._html)} rows were shown, {len(rows)} could be loaded")
        return rows

    def __len__(self) -> int:
        return len(self._html)

    def __getitem__(self, index):
        # A template's `rows.html` tries `rows["html"]` first: answer that without loading the rows.
        if not isinstance(index, int | slice):
            raise TypeError(f"rows are indexed by position, not by {type(index).__name__}")
        return self._rows[index]

    def __eq__(self, other) -> bool:
        # Compared as the list of rows it stands for (loaded), like the lists other pages pass around.
        if isinstance(other, RenderedRows | list | tuple):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None

    def __repr__(self) -> str:
        return f"<RenderedRows of {len(self)}>"
