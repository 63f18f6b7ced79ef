"""The soak: a bounded mixed load for SOAK_SECONDS (600 in `make faults`) on the stack.

Writes its figures to var/soak.json (`python -m tests.stack.report` prints them).
"""

from __future__ import annotations

import json
import os

from tests.stack.soak import run_soak
from tests.stack.stack import ROOT


def test_soak_holds_steady(live, invites):
    seconds = float(os.environ.get("SOAK_SECONDS", "600"))
    result = run_soak(live, invites.take, seconds=seconds, users=int(os.environ.get("SOAK_USERS", "8")))
    out = ROOT / "var" / "soak.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1, default=str))

    assert result["server_errors"] == 0, result["errors"]
    assert not [e for e in result["errors"] if e.startswith(("transport", "client"))], result["errors"]
    assert result["stuck_jobs"] == 0, result["jobs"]
    assert result["jobs"].get("ready", 0) > 0
    # No connection leak: after warm-up the counts stay within the pools' bounds, not creeping up.
    pg, clients = result["pg_connections"], result["redis_clients"]
    assert pg["end"] <= pg["warm"] + 8, pg
    assert clients["end"] <= clients["warm"] + 8, clients
    # Memory: reported; a process more than doubling after warm-up is a leak.
    for name, rss in result["rss_mib"].items():
        assert rss["end"] <= 2 * rss["warm"] + 50, (name, rss)
