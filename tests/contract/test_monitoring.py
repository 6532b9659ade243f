"""monitoring and health: the dashboard and the probe through the generated client,
compared with what Kamailio itself says over JSON-RPC and with the `acc_cdrs` table."""

import os
import sqlite3

from conftest import models, rpc_result

DB_FILE = os.environ["KAMSCOPE_DB_FILE"]


def usrloc_stat(name):
    (line,) = [s for s in rpc_result("stats.get_statistics", name)]
    return int(line.split("=")[1])


def test_dashboard_matches_kamailio(api_call):
    r = api_call("monitoring", "dashboard")
    assert r.status_code == 200, r.content
    dash = r.parsed
    assert isinstance(dash, models.Dashboard)
    (node,) = dash.nodes
    assert (node.name, node.status) == ("kamailio", models.CheckStatus.OK)
    assert node.version == rpc_result("core.version").strip()
    assert node.registered_users == usrloc_stat("registered_users")
    assert node.contacts == usrloc_stat("location_contacts")
    dialogs = rpc_result("dlg.list")
    assert node.active_dialogs == sum(d["state"] == 4 for d in dialogs)
    assert node.early_dialogs == sum(d["state"] in (1, 2) for d in dialogs)
    uptime = rpc_result("core.uptime")["uptime"]
    assert abs(node.uptime_seconds - uptime) <= 5
    assert node.counters.registers_received >= usrloc_stat("registered_users")
    # Today's calls are the INVITEs that acc logged (the lab's calls all happen today).
    with sqlite3.connect(f"file:{DB_FILE}?mode=ro", uri=True) as db:
        answered, failed = db.execute(
            "SELECT sum(sip_code LIKE '2%'), sum(sip_code >= '300') FROM acc WHERE method = 'INVITE'").fetchone()
    assert answered >= 3 and failed >= 1, "the lab made no answered and failed calls"
    assert dash.calls_today_error is None
    c = dash.calls_today
    assert (c.total, c.answered, c.failed) == (answered + failed, answered, failed)

def test_health_is_ok_with_every_check_named(api_call):
    r = api_call("health", "health")
    assert r.status_code == 200, r.content
    h = r.parsed
    assert isinstance(h, models.Health)
    assert h.status == models.CheckStatus.OK
    assert {(c.name, c.status) for c in h.checks} >= {
        ("database", models.CheckStatus.OK), ("kamailio_rpc", models.CheckStatus.OK)}
    (rpc_check,) = [c for c in h.checks if c.name == "kamailio_rpc"]
    assert rpc_check.node == "kamailio"
    assert rpc_check.version == rpc_result("core.version").strip()
