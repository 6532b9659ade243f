"""presence: presentities and subscriptions through the generated client, compared with
Kamailio's `presentity`, `active_watchers` and `watchers` tables (the lab runs presence
with subs_db_mode 3, so the tables are its state), `presence.refreshWatchers` (pending,
then active once a pres-rules document allows the watcher) and the cleanup of rows the
test back-dates. The lab: alice PUBLISHed, bob SUBSCRIBEd to her (scripts/contract.sh)."""

import os
import sqlite3
import time

import pytest

from conftest import models, problem, wait_until

DB_FILE = os.environ["KAMSCOPE_DB_FILE"]
DOM = "127.0.0.1"
ALICE = f"sip:alice@{DOM}"
BOB = f"sip:bob@{DOM}"


def sql(query, *args):
    with sqlite3.connect(DB_FILE, timeout=10) as db:
        return [tuple(r) for r in db.execute(query, args)]


def count(table, where="1=1"):
    return sql(f"SELECT count(*) FROM {table} WHERE {where}")[0][0]


def all_pages(api_call, operation_id, limit, **query):
    items, cursor = [], None
    for _ in range(100):
        kwargs = dict(query, limit=limit) if cursor is None else dict(query, limit=limit, cursor=cursor)
        r = api_call("presence", operation_id, **kwargs)
        assert r.status_code == 200, r.content
        assert len(r.parsed.items) <= limit
        items += r.parsed.items
        if not r.parsed.next_cursor:
            return items
        cursor = r.parsed.next_cursor
    pytest.fail("next_cursor never ends")


@pytest.mark.parametrize("limit", [1, 1000])
def test_presentities_are_the_table_by_id(api_call, limit):
    rows = sql("SELECT id, username, domain, event, etag, expires, sender FROM presentity ORDER BY id")
    assert [r[1] for r in rows] == ["alice"], f"one PUBLISH, one presentity: {rows}"
    got = all_pages(api_call, "list_presentities", limit)
    now = time.time()
    assert [(p.id, p.username, p.domain, p.event, p.etag, p.sender) for p in got] == \
        [(i, u, d, e, t, s) for i, u, d, e, t, _, s in rows]
    assert [p.expired for p in got] == [x < now for *_, x, _ in rows]
    assert [int(p.expires.timestamp()) for p in got] == [x for *_, x, _ in rows]
    assert all(not p.body for p in got), "no documents in lists"


def test_presentity_filters(api_call):
    assert [p.username for p in all_pages(api_call, "list_presentities", 50, user="alice")] == ["alice"]
    assert all_pages(api_call, "list_presentities", 50, user="nobody") == []
    assert len(all_pages(api_call, "list_presentities", 50, event="presence")) == count("presentity", "event = 'presence'")
    assert all_pages(api_call, "list_presentities", 50, event="dialog") == []


def test_one_presentity_has_its_document_as_stored(api_call):
    [(pid, stored)] = sql("SELECT id, CAST(body AS TEXT) FROM presentity WHERE username = 'alice'")
    r = api_call("presence", "get_presentity", pid)
    assert r.status_code == 200, r.content
    assert isinstance(r.parsed, models.Presentity), r.parsed
    assert r.parsed.id == pid and r.parsed.username == "alice"
    assert r.parsed.body == stored, "the published document as stored"
    assert f'entity="{ALICE}"' in stored and "<basic>open</basic>" in stored, stored
    assert r.parsed.body_size == len(stored.encode())


def test_presentity_errors_are_typed_problems(api_call):
    missing = sql("SELECT coalesce(max(id), 0) + 1000 FROM presentity")[0][0]
    assert str(missing) in problem(api_call("presence", "get_presentity", missing), 404).detail
    assert "`id`" in problem(api_call("presence", "get_presentity", 0), 400).detail
    assert "`limit`" in problem(api_call("presence", "list_presentities", limit=0), 400).detail


def test_watchers_are_active_watchers_with_their_authorization(api_call):
    rows = sql("SELECT id, presentity_uri, watcher_username, watcher_domain, event, status, callid, contact"
               " FROM active_watchers ORDER BY id")
    assert len(rows) == 1, f"one SUBSCRIBE, one subscription: {rows}"
    for limit in (1, 1000):
        got = all_pages(api_call, "list_watchers", limit)
        assert [(w.id, w.presentity_uri, w.watcher_username, w.watcher_domain, w.event, w.status, w.callid,
                 w.contact) for w in got] == rows
    [w] = got
    assert (w.presentity_uri, w.watcher_uri) == (ALICE, BOB)
    # No pres-rules document allows bob yet: presence_xml keeps him pending, in both tables.
    assert (w.status, w.status_label) == (2, models.SubscriptionStatus.PENDING), w
    [(auth_status,)] = sql("SELECT status FROM watchers WHERE presentity_uri = ? AND watcher_username = 'bob'", ALICE)
    assert (w.authorization.status, w.authorization.status_label) == (auth_status, models.SubscriptionStatus.PENDING)
    assert w.contact == f"sip:bob@{DOM}:27068;transport=UDP"


@pytest.mark.parametrize("query,want", [
    ({"status": 2}, "status = 2"),
    ({"status": 1}, "status = 1"),
    ({"watcher": "bob"}, "watcher_username = 'bob'"),
    ({"watcher": BOB}, "watcher_username = 'bob'"),
    ({"presentity": "alice"}, f"presentity_uri = '{ALICE}'"),
    ({"event": "dialog"}, "event = 'dialog'"),
])
def test_watcher_filters_match_the_table(api_call, query, want):
    got = all_pages(api_call, "list_watchers", 50, **query)
    assert [w.id for w in got] == [i for (i,) in sql(f"SELECT id FROM active_watchers WHERE {want} ORDER BY id")]


def test_watcher_errors_are_typed_problems(api_call):
    assert "`status`" in problem(api_call("presence", "list_watchers", status=7), 400).detail
    req = models.RefreshWatchersRequest
    p = problem(api_call("presence", "refresh_watchers", body=req(presentity_uri="alice", type_=1)), 400)
    assert "`presentity_uri`" in p.detail, p.detail
    p = problem(api_call("presence", "refresh_watchers", body=req(presentity_uri=ALICE, type_=9)), 400)
    assert "`type`" in p.detail, p.detail
    p = problem(api_call("presence", "presence_cleanup", body=models.PresenceCleanupRequest(node="nosuchnode")), 400)
    assert "`node`" in p.detail, p.detail


def test_refresh_type_1_notifies_the_watchers_again(api_call):
    r = api_call("presence", "refresh_watchers", body=models.RefreshWatchersRequest(presentity_uri=ALICE, type_=1))
    assert r.status_code == 200, r.content
    assert isinstance(r.parsed, models.RefreshWatchersResult), r.parsed
    assert (r.parsed.presentity_uri, r.parsed.event, r.parsed.type_, r.parsed.node) == (ALICE, "presence", 1, "kamailio")
    # bob's UA answered the NOTIFY: the subscription is still there.
    assert count("active_watchers", "watcher_username = 'bob'") == 1


@pytest.mark.destructive
def test_refresh_type_0_needs_a_pres_rules_document_then_activates(api_call):
    body = models.RefreshWatchersRequest(presentity_uri=ALICE, type_=0)
    assert count("xcap") == 0
    p = problem(api_call("presence", "refresh_watchers", body=body), 422)
    assert "pres-rules" in p.detail and "xcap" in p.detail, p.detail
    assert count("active_watchers", "status = 2") == 1, "nothing changed"
    # A pres-rules document (presence_xml's doc_type 2) that allows bob.
    doc = ('<?xml version="1.0" encoding="UTF-8"?><cr:ruleset xmlns="urn:ietf:params:xml:ns:pres-rules"'
           ' xmlns:cr="urn:ietf:params:xml:ns:common-policy"><cr:rule id="allow-bob"><cr:conditions><cr:identity>'
           f'<cr:one id="{BOB}"/></cr:identity></cr:conditions><cr:actions><sub-handling>allow</sub-handling>'
           '</cr:actions><cr:transformations/></cr:rule></cr:ruleset>')
    with sqlite3.connect(DB_FILE, timeout=10) as db:
        db.execute("INSERT INTO xcap (username, domain, doc, doc_type, etag, source, doc_uri, port)"
                   " VALUES ('alice', ?, ?, 2, 'contract-etag-1', 0, ?, 0)",
                   (DOM, doc.encode(), f"/xcap-root/pres-rules/users/{ALICE}/index"))
    r = api_call("presence", "refresh_watchers", body=body)
    assert r.status_code == 200, r.content
    assert r.parsed.type_ == 0

    def active():
        [w] = api_call("presence", "list_watchers").parsed.items
        return w if w.status == 1 and w.authorization.status == 1 else None
    w = wait_until("bob's subscription to become active", active, 10)
    assert (w.status_label, w.authorization.status_label) == (models.SubscriptionStatus.ACTIVE,) * 2
    assert count("active_watchers", "status = 1") == 1 and count("watchers", "status = 1") == 1


@pytest.mark.destructive
def test_cleanup_removes_exactly_the_expired_rows(api_call):
    past = int(time.time()) - 60
    with sqlite3.connect(DB_FILE, timeout=10) as db:
        for i in range(1, 4):
            db.execute("INSERT INTO presentity (username, domain, event, etag, expires, received_time, body, sender,"
                       " priority, ruid) SELECT ? || username, domain, event, etag, ?, received_time, body, sender,"
                       " priority, ? || ruid FROM presentity WHERE username = 'alice'", (f"old{i}-", past, f"old{i}-"))
        cols = [r[1] for r in db.execute("PRAGMA table_info(active_watchers)") if r[1] not in ("id", "callid", "expires")]
        for i in range(1, 3):
            db.execute(f"INSERT INTO active_watchers (callid, expires, {', '.join(cols)}) SELECT ? || callid, ?,"
                       f" {', '.join(cols)} FROM active_watchers WHERE callid NOT LIKE 'old%'", (f"old{i}-", past))
    now = int(time.time())
    assert [count(t, f"expires < {now}") for t in ("presentity", "active_watchers")] == [3, 2]
    live = {t: sql(f"SELECT id FROM {t} WHERE expires >= {now} ORDER BY id") for t in ("presentity", "active_watchers")}
    assert [len(v) for v in live.values()] == [1, 1], live
    listed = all_pages(api_call, "list_presentities", 50)
    assert [p.expired for p in listed] == [False, True, True, True]
    auth_before = count("watchers")

    r = api_call("presence", "presence_cleanup", body=models.PresenceCleanupRequest())
    assert r.status_code == 200, r.content
    assert isinstance(r.parsed, models.PresenceCleanupReport), r.parsed
    assert r.parsed.node == "kamailio"
    removed = {}
    for c in r.parsed.tables:
        assert c.removed == c.by_kamailio + c.by_kamscope, c
        removed[c.table] = c.removed
    # Counted at the source: the expired rows went, the live ones stayed.
    assert (removed["presentity"], removed["active_watchers"]) == (3, 2), r.parsed
    for t, ids in live.items():
        assert sql(f"SELECT id FROM {t} ORDER BY id") == ids, t
    assert removed["watchers"] == auth_before - count("watchers")
    again = api_call("presence", "presence_cleanup", body=models.PresenceCleanupRequest())
    assert again.status_code == 200, again.content
    assert all(c.removed == 0 for c in again.parsed.tables), again.parsed
