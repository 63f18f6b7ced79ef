from django.apps import AppConfig


class CameosConfig(AppConfig):
    name = "cameos"
    label = "cameos"
    verbose_name = "Cameos"

    def ready(self) -> None:
        from cameos.receivers import on_account_deleted, on_user_blocked
        from sora_social.accounts.signals import account_deleted, user_blocked
        from sora_social.celery import app

        user_blocked.connect(on_user_blocked, dispatch_uid="cameos.on_user_blocked")
        account_deleted.connect(on_account_deleted, dispatch_uid="cameos.on_account_deleted")

        from cameos.subjects import CameoSubjects, on_content_actioned
        from moderation.registry import register_subject
        from moderation.signals import content_actioned

        register_subject("cameo", CameoSubjects())
        content_actioned.connect(on_content_actioned, dispatch_uid="cameos.on_content_actioned")

        from cameos.seeding import CameosSeeder
        from sora_social.common.seeding import register_seeder

        register_seeder(CameosSeeder())

        # A lost verification message or a dead worker costs minutes, never a cameo.
        app.conf.beat_schedule["cameos-reconcile-processing"] = {
            "task": "cameos.reconcile_processing",
            "schedule": 120.0,
        }
