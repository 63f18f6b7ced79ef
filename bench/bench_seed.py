"""Seeding members: the bulk-insert seeder against creating the same rows one by one."""

from __future__ import annotations

import argparse
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import transaction


def run(args: argparse.Namespace) -> str:
    User = get_user_model()
    count = 2_000 if args.quick else 10_000
    User.objects.filter(username__startswith="member").delete()
    started = time.perf_counter()
    call_command("seed_demo", users=count, verbosity=0, quiet_logins=True)
    bulk = time.perf_counter() - started

    # Baseline: the naive loop a seeder would otherwise be (one INSERT per row),
    # on a sample, scaled to the same count.
    sample = count // 10
    hashed = make_password("x")
    User.objects.filter(username__startswith="loop").delete()
    started = time.perf_counter()
    with transaction.atomic():
        for i in range(sample):
            User.objects.create(username=f"loop{i:06d}", email=f"loop{i}@x.test", password=hashed)
    loop = (time.perf_counter() - started) * (count / sample)
    User.objects.filter(username__startswith="loop").delete()
    return "\n".join(
        [
            "## Demo seeding (`manage.py seed_demo`)",
            "",
            f"| members | bulk seeder | per-row loop (sampled {sample}, scaled) | ratio loop ÷ bulk |",
            "| --- | --- | --- | --- |",
            f"| {count:,} | {bulk:.2f} s | {loop:.2f} s | {loop / bulk:.1f}× |",
        ]
    )
