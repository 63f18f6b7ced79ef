"""Demo generations: a storyboard for the demo member `alice`, rendered by the worker of `make run`.

Three shots (15 s in all) with the procedural backend: the shots cut from one
to the next, the moving watermark carries `@alice` through all four corners.
Idempotent: a second run finds the storyboard and adds nothing.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from generation.models import GenerationJob
from generation.services import job_submit
from sora_social.accounts.models import User
from sora_social.common.errors import ApplicationError

logger = logging.getLogger(__name__)

DEMO_STORYBOARD = [
    {"prompt": "a paper boat sets off on a rainy street", "duration_s": 5},
    {"prompt": "the boat rides a gutter stream past glowing shop windows", "duration_s": 5},
    {"prompt": "the boat reaches a calm harbour at dawn", "duration_s": 5},
]


class GenerationsSeeder:
    name = "generations"

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--no-storyboard", action="store_true", help="Skip the demo storyboard generation for alice."
        )

    def run(self, options: dict[str, Any], progress: Any) -> list[str]:
        if options.get("no_storyboard"):
            return []
        alice = User.objects.filter(username="alice").first()
        if alice is None:
            return []
        if GenerationJob.objects.filter(user_id=alice.id).exclude(storyboard=[]).exists():
            return []
        try:
            job = job_submit(user=alice, mode="text", storyboard=DEMO_STORYBOARD, seed=7)
        except ApplicationError as exc:
            logger.warning("demo storyboard not queued: %s", exc)
            return []
        return [f"  storyboard: alice's generation {job.id} (3 shots, 15 s) renders on the worker"]
