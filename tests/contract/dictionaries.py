"""Writes the names a lab really has (users, contacts, calls and their Call-IDs, its node) as libFuzzer
dictionaries for schemathesis (tests/contract/schemathesis.toml [dictionaries]), so that
generated requests also name things that exist, not only random ones that answer 404.
Usage: dictionaries.py <Kamailio RPC URL> <node name> <directory>"""

import json
import sys
import urllib.request
from pathlib import Path


def rpc(url, method, *params):
    body = json.dumps({"jsonrpc": "2.0", "method": method, "params": list(params), "id": 1}).encode()
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())["result"]


def write(directory, name, values):
    values = sorted(set(map(str, values)))
    if not values:
        sys.exit(f"the lab has no {name} to offer schemathesis")
    quoted = ('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)
    (directory / f"{name}.dict").write_text("\n".join(quoted) + "\n")


def main(url, node, directory):
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    aors, contacts = [], []
    for domain in rpc(url, "ul.dump")["Domains"]:
        for aor in domain["Domain"]["AoRs"]:
            aors.append(aor["Info"]["AoR"])
            contacts += [c["Contact"]["Address"] for c in aor["Info"]["Contacts"]]
    calls = rpc(url, "dlg.list")
    write(directory, "aor", aors)
    write(directory, "contact", contacts)
    write(directory, "dialog_ids", [d["h_entry"] for d in calls] + [d["h_id"] for d in calls])
    write(directory, "node", [node])
    # Their Call-IDs are in sip_trace too (the lab traces every call), so flows are found.
    write(directory, "call_id", [d["call-id"] for d in calls])


if __name__ == "__main__":
    main(*sys.argv[1:])
