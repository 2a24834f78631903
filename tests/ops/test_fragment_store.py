"""The fragment store: each process's memory in front of a table every process shares."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.core.cache.backends.base import CacheKeyWarning
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ops.fragment_store import KeptFragmentCache
from ops.models import KeptFragment

pytestmark = pytest.mark.django_db


def store(location: str, **options) -> KeptFragmentCache:
    kept = KeptFragmentCache(location, {"OPTIONS": {"MAX_ENTRIES": 100, **options}})
    kept.memory.clear()
    return kept


def test_entries_written_by_one_process_are_read_by_another_in_one_query():
    writer, reader = store("writer"), store("reader")
    writer.set_many({"part:1": {"card": "<li>a</li>"}, "part:2": ["b", 2]})
    with CaptureQueriesContext(connection) as read:
        assert reader.get_many(["part:1", "part:2", "part:3"]) == {
            "part:1": {"card": "<li>a</li>"},
            "part:2": ["b", 2],
        }
    assert len(read.captured_queries) == 1
    with CaptureQueriesContext(connection) as again:
        assert reader.get("part:1") == {"card": "<li>a</li>"}
    assert again.captured_queries == []  # now in the reader's memory


def test_a_restart_keeps_the_entries():
    kept = store("restarted")
    kept.set("part", "kept")
    kept.forget_in_this_process()
    assert kept.memory.get("part") is None
    assert kept.get("part") == "kept"


def test_writing_a_key_again_replaces_its_row():
    kept = store("rewritten")
    kept.set_many({"part": "first", "other": "stays"})
    kept.set_many({"part": "second"})
    assert KeptFragment.objects.count() == 2
    kept.forget_in_this_process()
    assert kept.get_many(["part", "other"]) == {"part": "second", "other": "stays"}


def test_nothing_expires_by_time_in_memory():
    kept = store("timeless")
    kept.set("part", "kept", timeout=1)
    assert kept.memory._expire_info[kept.memory.make_key("part")] is None


def test_entries_not_written_for_the_keep_days_are_swept_on_the_next_write():
    kept = store("swept", KEEP_DAYS=3, SWEEP_SECONDS=0)
    kept.set_many({"old": 1, "recent": 2})
    KeptFragment.objects.filter(key__endswith=":old").update(written_at=timezone.now() - dt.timedelta(days=4))
    KeptFragment.objects.filter(key__endswith=":recent").update(
        written_at=timezone.now() - dt.timedelta(days=2)
    )
    kept.set("new", 3)
    assert sorted(key.rsplit(":", 1)[1] for key in KeptFragment.objects.values_list("key", flat=True)) == [
        "new",
        "recent",
    ]


def test_a_process_sweeps_at_its_first_write_then_at_most_every_sweep_seconds():
    kept = store("swept-hourly", KEEP_DAYS=3)
    kept.set("first", 1)
    KeptFragment.objects.update(written_at=timezone.now() - dt.timedelta(days=4))
    with CaptureQueriesContext(connection) as written:
        kept.set("second", 2)
    assert KeptFragment.objects.count() == 2  # not swept again within the hour
    assert not [query for query in written.captured_queries if query["sql"].startswith("DELETE")]


def test_delete_and_clear_reach_the_table():
    kept = store("emptied")
    kept.set_many({"a": 1, "b": 2, "c": 3})
    assert kept.delete("a") is True
    kept.forget_in_this_process()
    assert kept.get_many(["a", "b"]) == {"b": 2}
    kept.clear()
    assert KeptFragment.objects.count() == 0
    assert kept.get("b") is None


def test_add_keeps_an_existing_entry():
    kept = store("added")
    assert kept.add("part", "first") is True
    assert kept.add("part", "second") is False
    assert kept.get("part") == "first"


def test_many_keys_are_read_in_batches():
    kept = store("batched")
    entries = {f"row:{number}": number for number in range(1200)}
    kept.set_many(entries)
    kept.forget_in_this_process()
    assert kept.get_many(list(entries)) == entries


def _failing_on_the_table(execute, sql, params, many, context):
    if KeptFragment._meta.db_table in sql:
        raise DatabaseError("the table is locked")
    return execute(sql, params, many, context)


def test_a_table_that_fails_leaves_the_memory_working(caplog):
    kept = store("failing")
    with (
        caplog.at_level(logging.WARNING, logger="ops.fragment_store"),
        connection.execute_wrapper(_failing_on_the_table),
    ):
        kept.set("part", "in memory")
        assert kept.get("part") == "in memory"
        kept.forget_in_this_process()
        assert kept.get("part") is None
    assert [record.getMessage() for record in caplog.records] == [
        "Fragments could not be kept in the database; kept in memory only.",
        "Kept fragments could not be read; building them instead.",
    ]
    # The failed write rolled back its savepoint: the test's transaction still works.
    assert KeptFragment.objects.count() == 0


def test_the_table_is_unlogged_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("UNLOGGED is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relpersistence FROM pg_class WHERE relname = %s", [KeptFragment._meta.db_table]
        )
        assert cursor.fetchone() == ("u",)


def test_the_values_are_stored_uncompressed_and_the_key_has_no_like_index_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("Column storage and LIKE indexes are PostgreSQL's")
    table = KeptFragment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute WHERE attrelid = %s::regclass AND attname = 'value'", [table]
        )
        assert cursor.fetchone() == ("e",)
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table])
        indexes = [definition for (definition,) in cursor.fetchall()]
    assert len(indexes) == 2, indexes
    assert not [definition for definition in indexes if "pattern_ops" in definition]


def test_a_new_release_never_reads_what_an_old_one_kept(monkeypatch):
    from ops import fragment_store

    old = store("old-release")
    old.set_many({"part:1": "<li>printed the old way</li>"})
    monkeypatch.setattr(fragment_store, "code_identity", lambda: "another-release")
    new = store("new-release")
    assert new.get_many(["part:1"]) == {}
    new.set_many({"part:1": "<li>printed the new way</li>"})
    # Both kept side by side while both releases run; the old one's is swept by age.
    assert KeptFragment.objects.count() == 2
    assert store("old-again").get("part:1") == "<li>printed the new way</li>"


def test_the_code_identity_follows_the_contents_of_the_code(settings, tmp_path):
    from ops.fragment_store import code_identity

    settings.BASE_DIR = tmp_path
    (tmp_path / "app").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "app" / "cards.py").write_text("CARD = '<li>'\n")
    (tmp_path / "tests" / "test_cards.py").write_text("")
    code_identity.cache_clear()
    try:
        first = code_identity()
        (tmp_path / "tests" / "test_cards.py").write_text("changed = True\n")
        code_identity.cache_clear()
        assert code_identity() == first  # tests print nothing a page keeps
        (tmp_path / "app" / "cards.py").write_text("CARD = '<li class=\"card\">'\n")
        code_identity.cache_clear()
        assert code_identity() != first
    finally:
        code_identity.cache_clear()


def test_an_entry_that_cannot_be_unpickled_is_built_again_not_a_500(caplog):
    kept = store("damaged")
    kept.set_many({"part:1": "<li>a</li>", "part:2": "<li>b</li>"})
    damaged = kept.make_and_validate_key("part:1")
    KeptFragment.objects.filter(key=damaged).update(value=b"\x80\x05not a pickle")
    with caplog.at_level(logging.WARNING, logger="ops.fragment_store"):
        assert store("reader-of-damaged").get_many(["part:1", "part:2"]) == {"part:2": "<li>b</li>"}
    assert "could not be read" in caplog.text


def test_each_entry_is_pickled_once_and_every_read_is_a_copy(monkeypatch):
    import pickle

    kept = store("copies")
    dumps = []
    real_dumps = pickle.dumps
    monkeypatch.setattr(
        pickle, "dumps", lambda *args, **kwargs: dumps.append(1) or real_dumps(*args, **kwargs)
    )
    kept.set_many({"part": {"rows": [1, 2]}, "card": "<li>a</li>"})
    assert len(dumps) == 2  # for memory and table alike
    kept.get("part")["rows"].append(3)
    assert kept.get("part") == {"rows": [1, 2]}
    kept.forget_in_this_process()
    kept.get("part")["rows"].append(4)
    with CaptureQueriesContext(connection) as from_memory:
        assert kept.get("part") == {"rows": [1, 2]}
    assert from_memory.captured_queries == []


@pytest.mark.parametrize("key", ["with space", "tab\there", "bell\x07", "del\x7f", "x" * 251], ids=repr)
def test_keys_memcached_would_refuse_still_warn_in_memory_and_table(key):
    kept = store("warned")
    with pytest.warns(CacheKeyWarning):
        kept.memory.set(key, "kept")
    with pytest.warns(CacheKeyWarning):
        kept.set(key, "kept")


def test_the_overviews_keys_pass_without_a_warning(recwarn):
    kept = store("quiet")
    keys = [f"overview:{index:024x}|improved:{index}" for index in range(3)] + ["é:ü", "x" * 200]
    kept.set_many(dict.fromkeys(keys, "kept"))
    kept.forget_in_this_process()
    assert kept.get_many(keys) == dict.fromkeys(keys, "kept")
    assert not [warning for warning in recwarn if issubclass(warning.category, CacheKeyWarning)]
