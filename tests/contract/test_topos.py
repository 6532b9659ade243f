"""topos: topology hiding's tables through the generated client, compared with `topos_d`
and `topos_t`, and their cleanup (a dry run, then a job) on rows the test back-dates."""

import os
import sqlite3

import pytest

from conftest import follow_job, models

DB_FILE = os.environ["KAMSCOPE_DB_FILE"]


def sql(query, *args):
    with sqlite3.connect(DB_FILE, timeout=10) as db:
        return [tuple(r) for r in db.execute(query, args)]


def all_pages(api_call, operation_id, page_type, limit):
    items, cursor = [], None
    for _ in range(200):
        kwargs = {"limit": limit} if cursor is None else {"limit": limit, "cursor": cursor}
        r = api_call("topos", operation_id, **kwargs)
        assert r.status_code == 200, r.content
        assert isinstance(r.parsed, page_type), r.parsed
        items += r.parsed.items
        if not r.parsed.next_cursor:
            return items
        cursor = r.parsed.next_cursor
    pytest.fail("next_cursor never ends")


@pytest.mark.parametrize("limit", [1, 4, 1000])
@pytest.mark.parametrize("operation_id,page_type,table", [
    ("list_topos_dialogs", "PageToposDialog", "topos_d"),
    ("list_topos_transactions", "PageToposTransaction", "topos_t"),
])
def test_pages_match_the_table_newest_first(api_call, operation_id, page_type, table, limit):
    truth = sql(f"SELECT id, a_callid FROM {table} ORDER BY rectime DESC, id DESC")
    assert truth, f"the lab's calls left no {table} rows"
    got = all_pages(api_call, operation_id, getattr(models, page_type), limit)
    assert [(i.id, i.a_callid) for i in got] == truth


OLD_DAYS = 10  # back-dated rows; the cleanup below removes rows older than 7 days


@pytest.fixture(scope="session")  # once, though destructive tests run apart from the rest
def backdated():
    with sqlite3.connect(DB_FILE, timeout=10) as db:
        for table in ("topos_d", "topos_t"):
            cols = [r[1] for r in db.execute(f"PRAGMA table_info({table})") if r[1] not in ("id", "rectime")]
            db.execute(f"INSERT INTO {table} (rectime, {', '.join(cols)}) SELECT julianday('now', '-{OLD_DAYS} days'),"
                       f" {', '.join(cols)} FROM {table} ORDER BY id LIMIT 2")
    old = {t: sql(f"SELECT id FROM {t} WHERE rectime < julianday('now', '-7 days')") for t in ("topos_d", "topos_t")}
    assert all(len(ids) == 2 for ids in old.values()), old
    return old


def test_dry_run_counts_the_old_rows(api_call, backdated):
    r = api_call("topos", "topos_cleanup", body=models.CleanupRequest(dry_run=True, older_than_days=7))
    assert r.status_code == 200, r.content
    assert sorted((t.table, t.rows) for t in r.parsed.tables) == [("topos_d", 2), ("topos_t", 2)]
    assert all(len(sql(f"SELECT id FROM {t} WHERE id IN ({','.join(str(i) for (i,) in ids)})")) == 2
               for t, ids in backdated.items())


@pytest.mark.destructive
def test_cleanup_job_removes_exactly_the_old_rows(api_call, backdated):
    before = {t: len(sql(f"SELECT id FROM {t}")) for t in backdated}
    r = api_call("topos", "topos_cleanup", body=models.CleanupRequest(older_than_days=7))
    assert r.status_code == 202, r.content
    job = follow_job(api_call, r.parsed.id)
    assert job.state == models.JobState.SUCCEEDED, job
    assert sorted((t["table"], t["rows"]) for t in job.result.to_dict()["tables"]) == [("topos_d", 2), ("topos_t", 2)]
    for t, ids in backdated.items():
        assert sql(f"SELECT id FROM {t} WHERE id IN ({','.join(str(i) for (i,) in ids)})") == []
        # topos itself may drop ended dialogs meanwhile; none of the rows it keeps is old.
        assert len(sql(f"SELECT id FROM {t}")) <= before[t] - 2
