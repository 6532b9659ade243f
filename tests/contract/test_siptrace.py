"""siptrace: the trace cleanup through the generated client — a dry run that counts, then
a job that removes exactly the rows older than the cutoff (rows the test back-dates in
`sip_trace`, as db_sqlite writes times: Julian days)."""

import os
import sqlite3

import pytest

from conftest import follow_job, models, problem

DB_FILE = os.environ["KAMSCOPE_DB_FILE"]
OLD = 3  # rows back-dated 40 days, beyond the 30-day cutoff used below


def db():
    return sqlite3.connect(DB_FILE, timeout=10)


@pytest.fixture(scope="session")  # once, though destructive tests run apart from the rest
def backdated():
    """Copies of the lab's first trace rows, 40 days old; returns their ids."""
    with db() as c:
        c.execute(
            "INSERT INTO sip_trace (time_stamp, time_us, callid, traced_user, msg, method, status, fromip, toip,"
            " fromtag, totag, direction) SELECT julianday('now', '-40 days'), time_us, 'contract-old-' || id,"
            " traced_user, msg, method, status, fromip, toip, fromtag, totag, direction FROM sip_trace"
            " WHERE callid NOT LIKE 'contract-old-%' ORDER BY id LIMIT ?", (OLD,))
        ids = [i for (i,) in c.execute("SELECT id FROM sip_trace WHERE callid LIKE 'contract-old-%'")]
    assert len(ids) == OLD, "the lab's calls left no sip_trace rows to copy"
    return ids


def count(where="1=1"):
    with db() as c:
        return c.execute(f"SELECT count(*) FROM sip_trace WHERE {where}").fetchone()[0]


def test_dry_run_counts_the_old_rows_and_removes_nothing(api_call, backdated):
    before = count()
    r = api_call("siptrace", "trace_cleanup", body=models.CleanupRequest(dry_run=True, older_than_days=30))
    assert r.status_code == 200, r.content
    assert isinstance(r.parsed, models.CleanupReport), r.parsed
    assert [(t.table, t.rows) for t in r.parsed.tables] == [("sip_trace", OLD)]
    assert count() == before


def test_cleanup_errors_are_typed_problems(api_call):
    p = problem(api_call("siptrace", "trace_cleanup", body=models.CleanupRequest(older_than_days=0)), 400)
    assert "`older_than_days`" in p.detail, p.detail


@pytest.mark.destructive
def test_cleanup_job_removes_exactly_the_old_rows(api_call, backdated):
    before = count()
    r = api_call("siptrace", "trace_cleanup", body=models.CleanupRequest(older_than_days=30))
    assert r.status_code == 202, r.content
    assert isinstance(r.parsed, models.Job), r.parsed
    assert r.headers["location"].endswith(f"/jobs/{r.parsed.id}")
    job = follow_job(api_call, r.parsed.id)
    assert job.state == models.JobState.SUCCEEDED, job
    assert [(t["table"], t["rows"]) for t in job.result.to_dict()["tables"]] == [("sip_trace", OLD)]
    assert count(f"id IN ({','.join(map(str, backdated))})") == 0
    assert count() == before - OLD, "rows newer than the cutoff were removed"
    listed = api_call("jobs", "list_jobs").parsed.items
    assert job.id in [j.id for j in listed]
