from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "generation"
    label = "generation"
    verbose_name = "Generation"

    def ready(self) -> None:
        from django.conf import settings

        from generation import health
        from sora_social.celery import app
        from sora_social.common.health import register_readiness_check

        app.conf.beat_schedule["generation.reconcile"] = {
            "task": "generation.reconcile",
            "schedule": float(settings.GENERATION_RECONCILE_EVERY_S),
        }
        register_readiness_check("generation_checks", health.checks_wired)
        register_readiness_check("c2pa_signing", health.signing)
        # cameos.signals.cameo_access_revoked connects here to
        # generation.services.on_cameo_access_revoked once the cameos app sends it.
