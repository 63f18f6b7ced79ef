"""The moderation app: registers the "user" subject kind, readiness, beat entries and the registry receivers."""

from __future__ import annotations

import logging

from django.apps import AppConfig

logger = logging.getLogger(__name__)


class ModerationConfig(AppConfig):
    name = "moderation"
    label = "moderation"
    verbose_name = "Moderation"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from moderation import receivers, registry
        from moderation.health import classifiers_check
        from moderation.models import PublicFigureEntry, RightsHolderEntry
        from moderation.seeding import ModerationSeeder
        from sora_social.celery import app as celery_app
        from sora_social.common.health import register_readiness_check
        from sora_social.common.seeding import register_seeder

        registry.register_subject("user", registry.UserSubjects())
        registry.register_subject(registry.PARENTAL_LINK, registry.ParentalLinkSubjects())
        register_readiness_check("classifiers", classifiers_check)
        register_seeder(ModerationSeeder())
        for model in (PublicFigureEntry, RightsHolderEntry):
            for signal, what in ((post_save, "saved"), (post_delete, "deleted")):
                signal.connect(
                    receivers.on_registry_row_written,
                    sender=model,
                    dispatch_uid=f"moderation.registry.{model.__name__}.{what}",
                )
        celery_app.conf.beat_schedule["moderation.rescan_reconcile"] = {
            "task": "moderation.rescan_reconcile",
            "schedule": 300.0,
        }
        self._warn_missing_classifiers()

    def _warn_missing_classifiers(self) -> None:
        """Say at start-up which configured classifiers cannot load (no model is loaded here)."""
        from moderation.classifiers import loader

        for name, entry in loader.status().items():
            if entry["state"] in (loader.MISSING, loader.FAILED):
                logger.warning(
                    "safety classifier %s is configured but unavailable: %s", name, entry.get("detail")
                )
