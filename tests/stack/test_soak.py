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
    # No connection leak: pools fill up while the load ramps, then the counts hold; a leak keeps
    # climbing, so the last quarter may not stand well above the second.
    for series in (result["pg_connections"], result["redis_clients"]):
        assert series["end"] <= 1.1 * series["mid"] + 4, series
    # Memory the same way (models and caches load in the first minutes; a leak keeps growing).
    for name, mem in result["rss_mib"].items():
        assert mem["end"] <= 1.25 * mem["mid"] + 32, (name, mem)
