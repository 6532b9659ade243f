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


@pytest.mark.parametrize("operation_id,table", [("list_cdrs", "acc"), ("list_missed_calls", "missed_calls")])
def test_pages_match_the_table(api_call, operation_id, table):
    truth = rows(table)
    assert truth, f"the lab's calls left no rows in {table}"
    assert [key(c) for c in all_pages(api_call, operation_id)] == truth


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
