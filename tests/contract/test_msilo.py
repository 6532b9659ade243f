"""msilo: offline messages through the generated client, compared with Kamailio's `silo`
table: the lab's MESSAGEs to users who never register (2 alice -> offdave with the lab's
text, 1 carol -> offerin with an HTML body; scripts/contract.sh), their bodies exactly as
stored, deleting one, and the cleanup of messages the test back-dates."""

import os
import sqlite3
import time

import pytest

from conftest import models, problem

DB_FILE = os.environ["KAMSCOPE_DB_FILE"]
HTML_BODY = os.environ["KAMSCOPE_HTML_BODY"]
DOM = "127.0.0.1"
SENT = [("offdave", "alice"), ("offdave", "alice"), ("offerin", "carol")]  # (to, from) in sending order


def sql(query, *args):
    with sqlite3.connect(DB_FILE, timeout=10) as db:
        return [tuple(r) for r in db.execute(query, args)]


def all_pages(api_call, limit, **query):
    items, pages, cursor = [], 0, None
    while True:
        kwargs = dict(query, limit=limit) if cursor is None else dict(query, limit=limit, cursor=cursor)
        r = api_call("msilo", "list_offline_messages", **kwargs)
        assert r.status_code == 200, r.content
        assert isinstance(r.parsed, models.PageOfflineMessage), r.parsed
        assert len(r.parsed.items) <= limit
        items += r.parsed.items
        pages += 1
        assert pages < 100, "next_cursor never ends"
        if not r.parsed.next_cursor:
            return items, pages
        cursor = r.parsed.next_cursor


def test_messages_are_the_silo_table_by_id(api_call):
    rows = sql("SELECT id, src_addr, dst_addr, username, domain, ctype, inc_time, exp_time, CAST(body AS TEXT)"
               " FROM silo ORDER BY id")
    assert [(r[3], r[1]) for r in rows] == [(to, f"sip:{frm}@{DOM}") for to, frm in SENT], rows
    for limit in (1, 2, 1000):
        items, pages = all_pages(api_call, limit)
        assert pages == -(-len(rows) // limit) or pages == -(-len(rows) // limit) + 1
        assert [(m.id, m.src_addr, m.dst_addr, m.username, m.domain, m.ctype) for m in items] == \
            [r[:6] for r in rows]
    now = time.time()
    for m, (*_, inc, exp, body) in zip(items, rows):
        assert m.dst_addr == f"sip:{m.username}@{DOM}" and m.ctype == "text/plain", m
        # Kamailio stores Unix times; kamscope answers them in the reporting zone.
        assert (m.inc_time.timestamp(), m.exp_time.timestamp()) == (inc, exp), m
        assert m.inc_time.utcoffset().total_seconds() == 8 * 3600, m.inc_time
        assert m.expired == (exp < now)
        assert not m.body, "no whole bodies in lists"
        assert m.body_size == len(body.encode())
        assert m.body_preview == body[:len(m.body_preview)] and 0 < len(m.body_preview) <= 120, m.body_preview
    assert items[0].body_preview.startswith("Hello offdave, message #1 from alice"), items[0].body_preview


def test_one_message_has_its_body_exactly_as_stored(api_call):
    for mid, body in sql("SELECT id, CAST(body AS TEXT) FROM silo ORDER BY id"):
        r = api_call("msilo", "get_offline_message", mid)
        assert r.status_code == 200, r.content
        assert isinstance(r.parsed, models.OfflineMessage), r.parsed
        assert (r.parsed.id, r.parsed.body) == (mid, body)


def test_html_body_comes_back_as_the_text_sent(api_call):
    [(mid,)] = sql("SELECT id FROM silo WHERE username = 'offerin'")
    r = api_call("msilo", "get_offline_message", mid)
    assert r.status_code == 200, r.content
    assert r.headers["content-type"] == "application/json"
    assert r.parsed.body.rstrip("\r\n") == HTML_BODY, r.parsed.body
    assert r.parsed.body_preview.startswith("<b>bold</b> <script>")


@pytest.mark.parametrize("query,where", [
    ({"dst": "offerin"}, "username = 'offerin'"),
    ({"dst": "offdave"}, "username = 'offdave'"),
    ({"src": "alice"}, f"src_addr = 'sip:alice@{DOM}'"),
    ({"src": "nobody"}, "0"),
])
def test_filters_match_the_table(api_call, query, where):
    items, _ = all_pages(api_call, 50, **query)
    want = [i for (i,) in sql(f"SELECT id FROM silo WHERE {where} ORDER BY id")]
    assert [m.id for m in items] == want
    assert want or query == {"src": "nobody"}


def test_message_errors_are_typed_problems(api_call):
    missing = sql("SELECT coalesce(max(id), 0) + 1000 FROM silo")[0][0]
    assert str(missing) in problem(api_call("msilo", "get_offline_message", missing), 404).detail
    assert "`id`" in problem(api_call("msilo", "get_offline_message", 0), 400).detail
    assert "`id`" in problem(api_call("msilo", "delete_offline_message", -1), 400).detail
    assert "`limit`" in problem(api_call("msilo", "list_offline_messages", limit=5000), 400).detail


@pytest.mark.destructive
def test_delete_removes_exactly_that_message(api_call):
    before = [i for (i,) in sql("SELECT id FROM silo ORDER BY id")]
    gone = before[1]
    r = api_call("msilo", "delete_offline_message", gone)
    assert r.status_code == 204, r.content
    assert [i for (i,) in sql("SELECT id FROM silo ORDER BY id")] == [i for i in before if i != gone]
    assert str(gone) in problem(api_call("msilo", "delete_offline_message", gone), 404).detail
    problem(api_call("msilo", "get_offline_message", gone), 404)


@pytest.mark.destructive
def test_cleanup_removes_exactly_the_expired_messages(api_call):
    live = [i for (i,) in sql("SELECT id FROM silo ORDER BY id")]
    assert live
    past = int(time.time()) - 30
    cols = [r[1] for r in sql("PRAGMA table_info(silo)") if r[1] not in ("id", "inc_time", "exp_time")]
    with sqlite3.connect(DB_FILE, timeout=10) as db:
        for _ in range(2):  # copies of the first message, expired 30 s ago
            db.execute(f"INSERT INTO silo (inc_time, exp_time, {', '.join(cols)}) SELECT ?, ?, {', '.join(cols)}"
                       " FROM silo WHERE id = ?", (past - 3600, past, live[0]))
    assert sql("SELECT count(*) FROM silo WHERE exp_time < ?", int(time.time()))[0][0] == 2
    items, _ = all_pages(api_call, 50)
    assert [m.expired for m in items] == [False] * len(live) + [True, True]
    r = api_call("msilo", "offline_messages_cleanup")
    assert r.status_code == 200, r.content
    assert isinstance(r.parsed, models.CleanupReport), r.parsed
    assert [(t.table, t.rows) for t in r.parsed.tables] == [("silo", 2)]
    assert [i for (i,) in sql("SELECT id FROM silo ORDER BY id")] == live, "the live messages stay"
    again = api_call("msilo", "offline_messages_cleanup")
    assert [(t.table, t.rows) for t in again.parsed.tables] == [("silo", 0)]
