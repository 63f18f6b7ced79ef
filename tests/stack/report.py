"""Print the soak's figures from var/soak.json as Markdown tables (for docs/RELIABILITY.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main(path: str = str(ROOT / "var" / "soak.json")) -> int:
    data = json.loads(Path(path).read_text())
    print(f"| soak | {data['seconds']:.0f} s, {data['users_threads']} concurrent members |")
    print("| --- | --- |")
    print(f"| members signed up | {data['members']} |")
    print(f"| requests | {data['requests']} ({data['requests_per_s']}/s) |")
    print(f"| operations | {', '.join(f'{k} {v}' for k, v in sorted(data['ops'].items()))} |")
    print(f"| statuses | {', '.join(f'{k}: {v}' for k, v in sorted(data['statuses'].items()))} |")
    print(f"| server errors (5xx) | {data['server_errors']} |")
    print(
        f"| jobs at the end | {', '.join(f'{k} {v}' for k, v in sorted(data['jobs'].items()))}; stuck {data['stuck_jobs']} |"
    )
    for key, label in (("pg_connections", "PostgreSQL connections"), ("redis_clients", "Redis clients")):
        s = data[key]
        print(
            f"| {label} (after warm-up → second quarter → last quarter, max) | {s['warm']} → {s['mid']} → {s['end']}, max {s['max']} |"
        )
    print()
    print(
        "| process (all its processes, PSS) | after warm-up (MiB) | second quarter (MiB) "
        "| last quarter (MiB) | growth since warm-up (MiB) | max (MiB) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, m in data["rss_mib"].items():
        print(f"| {name} | {m['warm']} | {m['mid']} | {m['end']} | {m['growth']:+} | {m['max']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
