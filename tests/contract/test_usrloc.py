"""usrloc: registrations through the generated client, compared with what SIPp registered,
with Kamailio's own ul.dump / ul.lookup, and with the `location` table."""

import csv
import io
import os
import sqlite3
from collections import Counter

import pytest

from conftest import models, problem, rpc, rpc_result

EXPECTED = os.environ["KAMSCOPE_EXPECT_USERS"].split(",")
DB_FILE = os.environ["KAMSCOPE_DB_FILE"]
DELETE_USER = os.environ["KAMSCOPE_DELETE_USER"]
TWO_CONTACTS_USER = os.environ["KAMSCOPE_TWO_CONTACTS_USER"]
PAGE = 7  # small pages, so the lab's ~45 contacts take several


def all_pages(api_call, **query):
    """Follows next_cursor to the end; returns (items, number of pages)."""
    items, pages, cursor = [], 0, None
    while True:
        kwargs = dict(query, limit=PAGE)
        if cursor is not None:
            kwargs["cursor"] = cursor
        r = api_call("usrloc", "list_registrations", **kwargs)
        assert r.status_code == 200, r.content
        page = r.parsed
        assert isinstance(page, models.PageRegistration), page
        assert len(page.items) <= PAGE
        items += page.items
        pages += 1
        assert pages < 100, "next_cursor never ends"
        if not page.next_cursor:
            return items, pages
        cursor = page.next_cursor


def ul_dump_contacts():
    """(aor, contact URI) of every contact in Kamailio's memory."""
    out = []
    for domain in rpc_result("ul.dump")["Domains"]:
        for aor in domain["Domain"]["AoRs"]:
            for c in aor["Info"]["Contacts"]:
                out.append((aor["Info"]["AoR"], c["Contact"]["Address"]))
    return out


def table_contacts():
    with sqlite3.connect(f"file:{DB_FILE}?mode=ro", uri=True) as db:
        return [tuple(r) for r in db.execute("SELECT username, contact FROM location")]


def assert_each_sipp_user_once(items):
    per_user = Counter(i.aor for i in items)
    wrong = {u: per_user[u] for u in EXPECTED if per_user[u] != 1}
    assert not wrong, f"SIPp users not listed exactly once (user: times): {wrong}"


@pytest.mark.parametrize("source", ["db", "memory"])
def test_pages_hold_every_contact_of_the_source_once(api_call, source):
    items, pages = all_pages(api_call, source=models.RegistrationSource(source))
    assert_each_sipp_user_once(items)
    listed = [(i.aor, i.contact) for i in items]
    truth = table_contacts() if source == "db" else ul_dump_contacts()
    assert Counter(listed) == Counter(truth), "the pages differ from the source"
    assert pages == -(-len(truth) // PAGE) or pages == -(-len(truth) // PAGE) + 1
    assert {i.source for i in items} == {models.RegistrationSource(source)}
    assert [i.aor for i in items] == sorted(i.aor for i in items), "not sorted by user"
    if source == "memory":
        assert {i.node for i in items} == {"kamailio"}


@pytest.mark.parametrize("source", ["db", "memory"])
def test_search_finds_the_users_whose_name_contains_q(api_call, source):
    items, _ = all_pages(api_call, source=models.RegistrationSource(source), q="ct001")
    want = sorted(a for a, _ in ul_dump_contacts() if "ct001" in a)
    assert len(want) == 10  # ct0010..ct0019, from SIPp
    assert sorted(i.aor for i in items) == want


@pytest.mark.parametrize("source", ["db", "memory"])
def test_csv_download_holds_the_same_contacts(client, api_call, source):
    # The generated call parses a 200 as JSON only (its first media type), so the CSV
    # is read through the client's own HTTP client.
    r = client.get_httpx_client().get("/registrations", params={"source": source, "format": "csv"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    items, _ = all_pages(api_call, source=models.RegistrationSource(source))
    assert [(row["aor"], row["contact"], row["call_id"]) for row in rows] == \
        [(i.aor, i.contact, i.call_id) for i in items]
    truth = table_contacts() if source == "db" else ul_dump_contacts()
    assert Counter((row["aor"], row["contact"]) for row in rows) == Counter(truth)


def test_one_user_matches_ul_lookup(api_call):
    user = EXPECTED[len(EXPECTED) // 2]
    r = api_call("usrloc", "get_registration", user)
    assert r.status_code == 200, r.content
    assert isinstance(r.parsed, models.Aor)
    looked_up = rpc_result("ul.lookup", "location", user)
    assert r.parsed.aor == looked_up["AoR"] == user
    assert [c.contact for c in r.parsed.contacts] == [c["Contact"]["Address"] for c in looked_up["Contacts"]]
    assert [c.call_id for c in r.parsed.contacts] == [c["Contact"]["Call-ID"] for c in looked_up["Contacts"]]


def test_limit_0_is_a_problem_naming_limit(api_call):
    p = problem(api_call("usrloc", "list_registrations", limit=0), 400)
    assert "`limit`" in p.detail, p.detail


def test_unknown_user_is_a_404_problem(api_call):
    assert "error" in rpc("ul.lookup", "location", "nosuchuser")  # Kamailio has no such user either
    problem(api_call("usrloc", "get_registration", "nosuchuser"), 404)


@pytest.mark.destructive
def test_delete_registration_removes_it_from_kamailio(api_call):
    assert rpc_result("ul.lookup", "location", DELETE_USER)["AoR"] == DELETE_USER
    r = api_call("usrloc", "delete_registration", DELETE_USER)
    assert r.status_code == 204, r.content
    assert "error" in rpc("ul.lookup", "location", DELETE_USER), "ul.lookup still finds it"
    assert DELETE_USER not in {a for a, _ in ul_dump_contacts()}
    problem(api_call("usrloc", "get_registration", DELETE_USER), 404)
    problem(api_call("usrloc", "delete_registration", DELETE_USER), 404)
    # usrloc db_mode 1 writes through: the table follows at once.
    assert DELETE_USER not in {u for u, _ in table_contacts()}


@pytest.mark.destructive
def test_delete_one_contact_keeps_the_other(api_call):
    contacts = [c["Contact"]["Address"] for c in rpc_result("ul.lookup", "location", TWO_CONTACTS_USER)["Contacts"]]
    assert len(contacts) == 2, contacts
    gone, kept = contacts
    r = api_call("usrloc", "delete_contact", TWO_CONTACTS_USER, contact=gone)
    assert r.status_code == 204, r.content
    left = rpc_result("ul.lookup", "location", TWO_CONTACTS_USER)["Contacts"]
    assert [c["Contact"]["Address"] for c in left] == [kept]
    problem(api_call("usrloc", "delete_contact", TWO_CONTACTS_USER, contact=gone), 404)
