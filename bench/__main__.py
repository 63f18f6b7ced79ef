"""Run benchmarks and write their figures to docs/BENCHMARKS.md."""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "BENCHMARKS.md"


def write_section(name: str, body: str) -> None:
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    block = f"{start}\n{body.strip()}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        _, after = rest.split(end, 1)
        text = before + block + after
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    DOC.write_text(text)


def main() -> None:
    os.environ.setdefault("EMBEDDED_DB_NAME", "sora_bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_social.settings.base")
    os.environ.setdefault("INPROCESS_WORKER", "false")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    available = sorted(
        m.name[6:] for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_")
    )
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all): {', '.join(available)}")
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = parser.parse_args()
    for name in args.names or available:
        if name not in available:
            parser.error(f"unknown benchmark {name!r}; have {available}")
        module = importlib.import_module(f"bench.bench_{name}")
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        section = module.run(args)
        write_section(name, section)
        print(section)
        print(
            f"== {name} done in {time.perf_counter() - started:.1f}s; written to docs/BENCHMARKS.md",
            flush=True,
        )


if __name__ == "__main__":
    main()
