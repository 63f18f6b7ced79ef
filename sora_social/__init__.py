"""Sora Social: the project package (settings, urls, ASGI, Celery, shared helpers, accounts)."""

from sora_social.celery import app as celery_app

__all__ = ["celery_app"]
