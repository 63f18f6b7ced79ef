"""Accounts' periodic work (thin: call a service)."""

from __future__ import annotations

from celery import shared_task

from sora_social.accounts import services


@shared_task(name="accounts.teens_age_out", ignore_result=True)
def teens_age_out() -> int:
    """Daily: members who turned 18 stop being teens."""
    return services.teens_age_out()


@shared_task(name="accounts.refresh_tokens_flush_expired", ignore_result=True)
def refresh_tokens_flush_expired() -> int:
    """Daily: expired refresh tokens leave the outstanding and blacklist tables."""
    return services.refresh_tokens_flush_expired()
