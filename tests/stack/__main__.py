"""`make stack`: the whole production topology in the foreground; Ctrl-C stops every process.

Prints where everything is, then waits. A root invite code is printed so a
client can sign up at once.
"""

from __future__ import annotations

import signal
import sys
import time

from tests.stack.stack import Stack


def main() -> int:
    stack = Stack(keep_dir=False)
    stopping = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    print("starting PostgreSQL, Redis, moto S3, migrate, web, workers, beat ...", flush=True)
    stack.start()
    try:
        code = stack.manage("invites", "create", "--count", "1", "--note", "make stack").strip()
        print(
            "\n".join(
                [
                    "",
                    f"API:        {stack.base_url}/api/v1/   (docs {stack.base_url}/api/docs/)",
                    f"WebSocket:  {stack.ws_url}?ticket=<POST /api/v1/ws-ticket>",
                    f"Readiness:  {stack.base_url}/readyz",
                    f"PostgreSQL: {stack.database_url}",
                    f"Redis:      {stack.redis_url}",
                    f"S3:         {stack.env['S3_ENDPOINT_URL']} bucket {stack.env['S3_BUCKET']}",
                    f"Logs:       {stack.log_dir}",
                    f"Invite:     {code}",
                    "",
                    "Processes: " + ", ".join(f"{n}={p.pid}" for n, p in stack.procs.items()),
                    "Ctrl-C stops everything.",
                ]
            ),
            flush=True,
        )
        while not stopping:
            dead = [name for name, proc in stack.procs.items() if not proc.alive()]
            if dead:
                print(f"process(es) exited: {', '.join(dead)}; stopping (see {stack.log_dir})", flush=True)
                return 1
            time.sleep(1)
        return 0
    finally:
        print("stopping ...", flush=True)
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
