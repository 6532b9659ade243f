"""acc: accounting records and the day's figures through the generated client, compared
with Kamailio's `acc` and `missed_calls` tables (the lab's calls: answered, one to an
unknown user, long calls)."""

import os
import sqlite3
from datetime import datetime

import pytest

from conftest import models, problem

DB_FILE = os.environ["KAMSCOPE_DB_FILE"]


def sql(query, *args):
    with sqlite3.connect(f"file:{DB_FILE}?mode=ro", uri=True) as db:
        return [tuple(r) for r in db.execute(query, args)]


def all_pages(api_call, operation_id, limit=3, **query):
    items, cursor = [], None
    for _ in range(100):
        kwargs = dict(query, limit=limit)
        if cursor is not None:
            kwargs["cursor"] = cursor
        r = api_call("acc", operation_id, **kwargs)
        assert r.status_code == 200, r.content
        assert isinstance(r.parsed, models.PageCdr), r.parsed
        assert len(r.parsed.items) <= limit
        items += r.parsed.items
        if not r.parsed.next_cursor:
            return items
        cursor = r.parsed.next_cursor
    pytest.fail("next_cursor never ends")


def rows(table, where="1=1", *args):
    # Newest first by (time, id), as the API pages them.
    return sql(f"SELECT id, method, callid, CAST(sip_code AS INTEGER), src_user, dst_user FROM {table} "
               f"WHERE {where} ORDER BY time DESC, id DESC", *args)


def key(c):
    return c.id, c.method, c.call_id, c.sip_code, c.src_user, c.dst_user


# Small pages: rows written in the same second (a SIPp burst) then meet at page
# boundaries, where a keyset cursor must neither skip nor repeat one.
@pytest.mark.parametrize("limit", [1, 2, 3])
@pytest.mark.parametrize("operation_id,table", [("list_cdrs", "acc"), ("list_missed_calls", "missed_calls")])
def test_pages_match_the_table(api_call, operation_id, table, limit):
    truth = rows(table)
    assert truth, f"the lab's calls left no rows in {table}"
    assert [key(c) for c in all_pages(api_call, operation_id, limit=limit)] == truth


def test_filters_match_the_table(api_call):
    assert [key(c) for c in all_pages(api_call, "list_cdrs", callee="dave")] == rows("acc", "dst_user = ?", "dave")
    got = all_pages(api_call, "list_cdrs", method="invite", sip_code=200)
    assert [key(c) for c in got] == rows("acc", "method = 'INVITE' AND sip_code = '200'")
    one = rows("acc")[0]
    assert [key(c) for c in all_pages(api_call, "list_cdrs", call_id=one[2])] == rows("acc", "callid = ?", one[2])


def test_day_figures_match_acc_and_the_dashboard(api_call):
    r = api_call("acc", "cdr_stats")
    assert r.status_code == 200, r.content
    s = r.parsed
    assert isinstance(s, models.CdrStats)
    # The lab's calls were all made in the last minutes, so they are all today's.
    (answered, failed), = sql("SELECT sum(CAST(sip_code AS INTEGER) BETWEEN 200 AND 299), "
                              "sum(CAST(sip_code AS INTEGER) >= 300) FROM acc WHERE method = 'INVITE'")
    (missed,), = sql("SELECT count(*) FROM missed_calls WHERE method = 'INVITE'")
    assert (s.total, s.answered, s.failed, s.missed) == (answered + failed, answered, failed, missed)
    assert sum(h.total for h in s.hourly) == s.total and sum(h.missed for h in s.hourly) == s.missed
    today = api_call("monitoring", "dashboard").parsed.calls_today
    assert (today.date, today.total, today.answered, today.failed, today.missed) == (
        s.date, s.total, s.answered, s.failed, s.missed)


def test_acc_errors_are_typed_problems(api_call):
    p = problem(api_call("acc", "list_cdrs", from_=datetime.fromisoformat("2026-01-02T00:00:00+08:00"),
                         to=datetime.fromisoformat("2026-01-01T00:00:00+08:00")), 400)
    assert "`to`" in p.detail, p.detail
    assert "`limit`" in problem(api_call("acc", "list_missed_calls", limit=0), 400).detail


def all_calls(api_call, limit=50, **query):
    items, cursor = [], None
    for _ in range(100):
        kwargs = dict(query, limit=limit)
        if cursor is not None:
            kwargs["cursor"] = cursor
        r = api_call("acc", "list_calls", **kwargs)
        assert r.status_code == 200, r.content
        assert isinstance(r.parsed, models.PageCall), r.parsed
        items += r.parsed.items
        if not r.parsed.next_cursor:
            return items
        cursor = r.parsed.next_cursor
    pytest.fail("next_cursor never ends")


@pytest.mark.parametrize("limit", [1, 2, 50])
def test_calls_pair_answered_invites_with_their_bye(api_call, limit):
    calls = all_calls(api_call, limit)
    answered = sql("SELECT DISTINCT callid FROM acc WHERE method = 'INVITE' AND sip_code LIKE '2%'")
    with_bye = sql("SELECT DISTINCT callid FROM acc WHERE method = 'BYE'")
    assert len(answered) >= 5, "the lab's answered calls are missing"
    assert sorted(c.call_id for c in calls) == sorted(c for (c,) in answered)
    ended = {c.call_id for c in calls if c.outcome == models.CallOutcome.ENDED}
    up = {c.call_id for c in calls if c.outcome == models.CallOutcome.UP}
    assert ended == {c for (c,) in with_bye} and up == {c for (c,) in answered} - ended
    assert all(c.end is not None and c.duration >= 0 for c in calls if c.call_id in ended)
    assert all(c.end is None for c in calls if c.call_id in up)
    # The short calls alice -> dave: the caller's UAC sent the BYE.
    assert {(c.caller, c.ended_by) for c in calls if c.callee == "dave"} == {("alice", models.EndedBy.CALLER)}


@pytest.mark.parametrize("limit", [1, 50])
def test_calls_from_acc_cdrs_match_the_table(api_call, limit):
    calls = all_calls(api_call, limit, source=models.CallSource.ACC_CDRS)
    truth = sql("SELECT callid FROM acc_cdrs")
    assert truth, "the lab's ended calls left no acc_cdrs rows"
    assert sorted(c.call_id for c in calls) == sorted(c for (c,) in truth)


def seizures(group=None):
    # One attempt per (Call-ID, From tag) over acc and missed_calls (the lab has no 401/407
    # challenges and no re-INVITEs, so no attempt is left out or counted twice).
    col = {"callee": "dst_user", "caller": "src_user"}.get(group, "''")
    union = ("SELECT callid, from_tag, {c} AS k, sip_code FROM acc WHERE method = 'INVITE' UNION "
             "SELECT callid, from_tag, {c} AS k, sip_code FROM missed_calls WHERE method = 'INVITE'").format(c=col)
    return dict(sql(f"SELECT k, count(DISTINCT callid || from_tag) FROM ({union}) GROUP BY k"))


def test_kpis_count_the_seizures_of_the_tables(api_call):
    r = api_call("acc", "cdr_kpis")
    assert r.status_code == 200, r.content
    k = r.parsed
    assert isinstance(k, models.Kpis)
    (total,) = seizures().values()
    (answered,), = sql("SELECT count(DISTINCT callid || from_tag) FROM acc WHERE method = 'INVITE' AND sip_code LIKE '2%'")
    assert (k.total.seizures, k.total.answered) == (total, answered)
    assert k.total.asr == pytest.approx(answered / total, abs=5e-5)  # the API rounds to 4 places
    assert sum(row.seizures for row in k.rows) == total
    r = api_call("acc", "cdr_kpis", group_by=models.KpiGroup.CALLEE)
    assert r.status_code == 200, r.content
    assert {row.key: row.seizures for row in r.parsed.rows} == seizures("callee")


def test_kpis_window_is_bounded(api_call):
    p = problem(api_call("acc", "cdr_kpis", from_=datetime.fromisoformat("2026-01-01T00:00:00+08:00"),
                         to=datetime.fromisoformat("2026-06-01T00:00:00+08:00")), 400)
    assert "`to`" in p.detail, p.detail
