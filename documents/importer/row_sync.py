"""Writing a document's rows over the rows a week already has, changing only what differs."""

from __future__ import annotations

from collections import defaultdict, deque


def update_row(row, fields: dict) -> bool:
    """Save the row only if a field differs (no history row for an import that changes nothing)."""
    changed = {name: value for name, value in fields.items() if getattr(row, name) != value}
    for name, value in changed.items():
        setattr(row, name, value)
    if changed:
        row.save()
    return bool(changed)


def sync_rows(existing: list, wanted: list[dict], create, result, label: str, rows=None) -> None:
    """Write `wanted` into the `existing` rows in order, or into `rows` (the row each takes, None for a
    new one: `rows_by_text`); the rows none takes are deleted. Counts what it did in `result.changes`."""
    if rows is None:
        rows = [existing[index] if index < len(existing) else None for index in range(len(wanted))]
    for position, (fields, row) in enumerate(zip(wanted, rows, strict=True)):
        fields = {"position": position, **fields}
        if row is not None:
            if update_row(row, fields):
                result.changes[f"{label} updated"] += 1
        else:
            create(**fields)
            result.changes[f"{label} created"] += 1
    taken = {id(row) for row in rows if row is not None}
    for row in existing:
        if id(row) not in taken:
            row.delete()
            result.changes[f"{label} removed"] += 1


def rows_by_text(existing: list, texts: list[str]) -> list:
    """The row each item is written into (None: a new row): its own text's row first, wherever it moved.

    What the app records of an item (a TODO done in a later week, a plan marked done on the web) stays
    with its words when a document inserts, drops or reorders items; matched by position, the first row
    took an inserted item's text and kept the old item's mark. An item no text matched takes the row
    that stood in its place if no text took that row (the item was reworded where it stood), else a new
    one: a row is never handed to another item from another place, with its mark.
    """
    unmatched: dict[str, deque] = defaultdict(deque)
    for row in existing:
        unmatched[row.text].append(row)
    rows = [unmatched[text].popleft() if unmatched.get(text) else None for text in texts]
    taken = {id(row) for row in rows if row is not None}

    def own_place(index: int):
        row = existing[index] if index < len(existing) else None
        return row if row is not None and id(row) not in taken else None

    return [row if row is not None else own_place(index) for index, row in enumerate(rows)]
