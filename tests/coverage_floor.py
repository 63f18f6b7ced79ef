"""Fail when a module of the apps falls below the coverage floor (run by `make test` after a full run).

Dead code shows up as uncovered code: a module that drops below the floor
has either lost its tests or grown code nothing calls. Modules that only run
where CI cannot (a GPU, a model checkpoint on disk) are listed with why.

    python tests/coverage_floor.py [--floor 60]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOOR = 60.0
# Modules held to a lower floor, each with its reason.
EXCEPTIONS: dict[str, tuple[float, str]] = {
    "sora_social/common/management/commands/serve.py": (
        0.0,
        "runs only as its own process (tests/common/test_production_settings.py starts it)",
    ),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--floor", type=float, default=FLOOR)
    args = parser.parse_args()
    report = ROOT / "var" / "coverage.json"
    subprocess.run([sys.executable, "-m", "coverage", "json", "-q", "-o", str(report)], cwd=ROOT, check=True)
    files = json.loads(report.read_text())["files"]
    low = []
    for name, data in sorted(files.items()):
        percent = data["summary"]["percent_covered"]
        floor, _why = EXCEPTIONS.get(name, (args.floor, ""))
        if percent < floor:
            low.append(f"{name}: {percent:.1f}% < {floor:.0f}%")
    total = sum(d["summary"]["covered_lines"] for d in files.values()) / max(
        1, sum(d["summary"]["num_statements"] for d in files.values())
    )
    print(f"coverage: {len(files)} modules, {100 * total:.1f}% of statements; floor {args.floor:.0f}% each")
    if low:
        print("below the floor:\n  " + "\n  ".join(low))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
