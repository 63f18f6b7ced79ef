from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "generation"
    label = "generation"
    verbose_name = "Generation"

    def ready(self) -> None:
        from django.conf import settings

        from cameos import signals as cameo_signals
        from generation import health, services
        from generation.subjects import GenerationSubjects
        from moderation.registry import register_subject
        from moderation.signals import content_actioned
        from sora_social.celery import app
        from sora_social.common.health import register_readiness_check

        app.conf.beat_schedule["generation.reconcile"] = {
            "task": "generation.reconcile",
            "schedule": float(settings.GENERATION_RECONCILE_EVERY_S),
        }
        register_readiness_check("generation_checks", health.checks_wired)
        register_readiness_check("c2pa_signing", health.signing)
        register_subject("generation", GenerationSubjects())
        from generation.seeding import GenerationsSeeder
        from sora_social.common.seeding import register_seeder

        register_seeder(GenerationsSeeder())
        # Lower apps make generation act through their documented signals.
        cameo_signals.cameo_access_revoked.connect(
            services.on_cameo_access_revoked, dispatch_uid="generation.cameo_access_revoked"
        )
        cameo_signals.cameo_deleted.connect(
            services.on_cameo_deleted, dispatch_uid="generation.cameo_deleted"
        )
        cameo_signals.appearance_removed.connect(
            services.on_appearance_removed, dispatch_uid="generation.appearance_removed"
        )
        cameo_signals.cameo_use_decided.connect(
            services.on_cameo_use_decided, dispatch_uid="generation.cameo_use_decided"
        )
        from sora_social.accounts.signals import account_deleted

        account_deleted.connect(services.on_account_deleted, dispatch_uid="generation.account_deleted")
        content_actioned.connect(services.on_content_actioned, dispatch_uid="generation.content_actioned")
