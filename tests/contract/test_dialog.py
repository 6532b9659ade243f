"""dialog: calls through the generated client, compared with Kamailio's dlg.list /
dlg.stats_active and with the `dialog` and `acc_cdrs` tables."""

import csv
import io
import os
import sqlite3

import pytest

from conftest import models, problem, rpc_result, wait_until

DB_FILE = os.environ["KAMSCOPE_DB_FILE"]
END_CALLEE = os.environ["KAMSCOPE_END_CALLEE"]
END_PIDS = [int(p) for p in os.environ["KAMSCOPE_END_PIDS"].split(",")]


def all_pages(api_call, operation_id, page_type, limit=1, **query):
    items, cursor = [], None
    for _ in range(100):
        kwargs = dict(query, limit=limit)
        if cursor is not None:
            kwargs["cursor"] = cursor
        r = api_call("dialog", operation_id, **kwargs)
        assert r.status_code == 200, r.content
        assert isinstance(r.parsed, page_type), r.parsed
        assert len(r.parsed.items) <= limit
        items += r.parsed.items
        if not r.parsed.next_cursor:
            return items
        cursor = r.parsed.next_cursor
    pytest.fail("next_cursor never ends")


def dlg_list():
    return rpc_result("dlg.list")


def key(d):
    return d.h_entry, d.h_id, d.call_id, d.from_uri, d.to_uri, d.state


def rpc_key(d):
    return d["h_entry"], d["h_id"], d["call-id"], d["from_uri"], d["to_uri"], d["state"]


def sql(query, *args):
    with sqlite3.connect(f"file:{DB_FILE}?mode=ro", uri=True) as db:
        return [tuple(r) for r in db.execute(query, args)]


def test_memory_pages_match_dlg_list(api_call):
    items = all_pages(api_call, "list_dialogs", models.PageDialog, source=models.DialogSource.MEMORY)
    truth = dlg_list()
    assert len(truth) >= 3, "the lab's long calls are not up"
    assert sorted(map(key, items)) == sorted(map(rpc_key, truth))
    assert {i.state_label for i in items if i.state == 4} == {models.DialogState.CONFIRMED}


def test_db_pages_match_the_dialog_table(api_call):
    items = all_pages(api_call, "list_dialogs", models.PageDialog, source=models.DialogSource.DB)
    truth = sql("SELECT hash_entry, hash_id, callid FROM dialog")
    assert len(truth) >= 3
    assert sorted((i.h_entry, i.h_id, i.call_id) for i in items) == sorted(truth)


def test_csv_download_holds_the_same_calls(client):
    # The generated call parses a 200 as JSON only, so the CSV goes through its HTTP client.
    r = client.get_httpx_client().get("/dialogs", params={"source": "memory", "format": "csv"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    got = sorted((int(x["h_entry"]), int(x["h_id"]), x["call_id"], x["from_uri"], x["to_uri"], int(x["state"]),
                  x["caller.tag"], x["callee.tag"]) for x in rows)
    assert got == sorted(rpc_key(d) + (d["caller"]["tag"], d["callee"]["tag"]) for d in dlg_list())


def test_filters_match_dlg_list(api_call):
    truth = dlg_list()
    to_end = [d for d in truth if f"{END_CALLEE}@" in d["to_uri"]]
    assert len(to_end) == 1, truth
    got = all_pages(api_call, "list_dialogs", models.PageDialog, limit=50, to_uri=END_CALLEE)
    assert list(map(key, got)) == list(map(rpc_key, to_end))
    got = all_pages(api_call, "list_dialogs", models.PageDialog, limit=50, call_id=to_end[0]["call-id"])
    assert list(map(key, got)) == list(map(rpc_key, to_end))
    got = all_pages(api_call, "list_dialogs", models.PageDialog, limit=50, state=4)
    assert sorted(map(key, got)) == sorted(rpc_key(d) for d in truth if d["state"] == 4)
    assert all_pages(api_call, "list_dialogs", models.PageDialog, limit=50, state=1) == []


def test_stats_match_dlg_stats_active(api_call):
    r = api_call("dialog", "dialog_stats")
    assert r.status_code == 200, r.content
    s = r.parsed
    assert isinstance(s, models.DialogStats)
    truth = rpc_result("dlg.stats_active")
    assert s.node == "kamailio"
    assert (s.starting, s.connecting, s.answering, s.ongoing, s.all_) == (
        truth["starting"], truth["connecting"], truth["answering"], truth["ongoing"], truth["all"])


def test_one_dialog_matches_dlg_list(api_call):
    d = dlg_list()[0]
    r = api_call("dialog", "get_dialog", d["h_entry"], d["h_id"])
    assert r.status_code == 200, r.content
    assert isinstance(r.parsed, models.Dialog)
    assert key(r.parsed) == rpc_key(d)
    assert (r.parsed.caller.tag, r.parsed.callee.tag) == (d["caller"]["tag"], d["callee"]["tag"])


def test_unknown_dialog_is_a_404_problem(api_call):
    taken = {(d["h_entry"], d["h_id"]) for d in dlg_list()}
    assert (1, 1) not in taken
    problem(api_call("dialog", "get_dialog", 1, 1), 404)


def test_history_pages_match_acc_cdrs(api_call):
    items = all_pages(api_call, "dialog_history", models.PageDialogRecord, limit=2)
    truth = sql("SELECT id, callid FROM acc_cdrs")
    assert len(truth) >= 3, "the lab's short calls left no CDRs"
    assert sorted((i.id, i.call_id) for i in items) == sorted(truth)
    one = truth[0][1]
    got = all_pages(api_call, "dialog_history", models.PageDialogRecord, limit=50, call_id=one)
    assert [(i.id, i.call_id) for i in got] == [t for t in truth if t[1] == one]


def exited(pid):
    """Gone, or a zombie waiting for scripts/contract.sh to read its exit status."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


@pytest.mark.destructive
def test_end_dialog_ends_the_call_in_kamailio(api_call):
    (d,) = [d for d in dlg_list() if f"{END_CALLEE}@" in d["to_uri"]]
    assert not any(exited(p) for p in END_PIDS), "the call's SIPp parties are not running"
    r = api_call("dialog", "end_dialog", d["h_entry"], d["h_id"])
    assert r.status_code == 204, r.content
    wait_until("dlg.list no longer has the ended call",
               lambda: all((x["h_entry"], x["h_id"]) != (d["h_entry"], d["h_id"]) for x in dlg_list()))
    # Both SIPp parties got their BYE: the UAC's only call and the UAS's only call are over.
    wait_until(f"SIPp parties {END_PIDS} exit after the BYE", lambda: all(exited(p) for p in END_PIDS), 30)
    problem(api_call("dialog", "get_dialog", d["h_entry"], d["h_id"]), 404)
    problem(api_call("dialog", "end_dialog", d["h_entry"], d["h_id"]), 404)
