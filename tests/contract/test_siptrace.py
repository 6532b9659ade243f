"""siptrace: the search, one message, a call's flow (JSON, text, PCAP) through the generated
client, compared with the `sip_trace` rows of the lab's calls; and the trace cleanup — a dry
run that counts, then a job that removes exactly the rows older than the cutoff (rows the
test back-dates in `sip_trace`, as db_sqlite writes times: Julian days)."""

import os
import sqlite3
import struct
from datetime import datetime

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


def rows(query, *args):
    with db() as c:
        return [tuple(r) for r in c.execute(query, args)]


def a_call():
    """The Call-ID of a lab call with an INVITE in sip_trace, and its row ids oldest first."""
    found = rows("SELECT callid FROM sip_trace WHERE method = 'INVITE' AND callid NOT LIKE 'contract-old-%'"
                 " ORDER BY id LIMIT 1")
    assert found, "the lab's calls left no INVITE in sip_trace"
    call_id = found[0][0]
    ids = [i for (i,) in rows("SELECT id FROM sip_trace WHERE callid = ? ORDER BY time_stamp, time_us, id", call_id)]
    return call_id, ids


def test_search_by_call_id_pages_through_exactly_its_rows_newest_first(api_call):
    call_id, ids = a_call()
    got, cursor = [], None
    for _ in range(100):
        kwargs = {"call_id": call_id, "limit": 2} | ({"cursor": cursor} if cursor else {})
        r = api_call("siptrace", "list_traces", **kwargs)
        assert r.status_code == 200, r.content
        assert isinstance(r.parsed, models.TracePage), r.parsed
        got += r.parsed.items
        cursor = r.parsed.next_cursor
        if not cursor:
            break
    assert [i.id for i in got] == ids[::-1]
    assert {i.call_id for i in got} == {call_id}
    assert r.parsed.window.defaulted is False, "a Call-ID search needs no time window"


def test_unindexed_search_states_its_window(api_call):
    r = api_call("siptrace", "list_traces", method="INVITE", limit=1000)
    assert r.status_code == 200, r.content
    w = r.parsed.window
    assert w.defaulted is True and w.max_seconds == 7 * 86400, w
    assert (w.to - w.from_).total_seconds() == 3600, w
    assert r.parsed.items and all(i.method == "INVITE" for i in r.parsed.items)


def test_one_message_is_the_stored_text(api_call):
    call_id, ids = a_call()
    r = api_call("siptrace", "get_trace", ids[0])
    assert r.status_code == 200, r.content
    assert isinstance(r.parsed, models.TraceMessage), r.parsed
    (msg,) = rows("SELECT msg FROM sip_trace WHERE id = ?", ids[0])[0]
    assert r.parsed.msg == (msg.decode() if isinstance(msg, bytes) else msg)
    assert r.parsed.first_line.startswith("INVITE sip:"), r.parsed.first_line
    assert any(h.name.lower() in ("call-id", "i") and h.value == call_id for h in r.parsed.headers)
    problem(api_call("siptrace", "get_trace", 2**31 - 1), 404)


def test_call_flow_is_the_calls_rows_in_order(api_call):
    call_id, ids = a_call()
    r = api_call("siptrace", "trace_call", call_id)
    assert r.status_code == 200, r.content
    flow = r.parsed
    assert isinstance(flow, models.CallFlow), flow
    assert [m.id for m in flow.messages] == ids
    assert flow.call_ids == [call_id]
    assert any(e.kamailio for e in flow.endpoints), flow.endpoints
    assert flow.messages[0].delta_first_us == 0
    assert all(m.delta_first_us >= 0 and m.delta_prev_us >= 0 for m in flow.messages)

    other = rows("SELECT callid FROM sip_trace WHERE callid NOT IN (?) AND callid NOT LIKE 'contract-old-%'"
                 " ORDER BY id LIMIT 1", call_id)[0][0]
    both = api_call("siptrace", "trace_calls", call_id=[call_id, other])
    assert both.status_code == 200, both.content
    want = [i for (i,) in rows("SELECT id FROM sip_trace WHERE callid IN (?, ?) ORDER BY time_stamp, time_us, id",
                               call_id, other)]
    assert [m.id for m in both.parsed.messages] == want

    problem(api_call("siptrace", "trace_call", "no-such-call@contract"), 404)


def test_call_flow_downloads(api_call):
    call_id, ids = a_call()
    pcap = api_call("siptrace", "trace_call_pcap", call_id)
    assert pcap.status_code == 200, pcap.content
    assert pcap.headers["content-type"].startswith("application/vnd.tcpdump.pcap")
    magic, = struct.unpack("<I", pcap.content[:4])
    assert magic == 0xA1B2C3D4, "a classic pcap file with microsecond times"
    text = api_call("siptrace", "trace_call_text", call_id)
    assert text.status_code == 200, text.content
    assert text.headers["content-type"].startswith("text/plain")
    assert text.content.decode().count(" -> ") >= len(ids)


def test_search_errors_name_the_parameter(api_call):
    p = problem(api_call("siptrace", "list_traces", from_ip="not-an-ip"), 400)
    assert "from_ip" in p.detail, p.detail
    month = (datetime.fromisoformat("2026-01-01T00:00:00+00:00"), datetime.fromisoformat("2026-02-01T00:00:00+00:00"))
    p = problem(api_call("siptrace", "list_traces", method="INVITE", from_=month[0], to=month[1]), 400)
    assert "`from`" in p.detail or "`to`" in p.detail, p.detail


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
