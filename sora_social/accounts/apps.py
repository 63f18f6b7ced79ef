from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sora_social.accounts"
    label = "accounts"
    verbose_name = "Members"

    def ready(self) -> None:
        from celery.schedules import crontab

        # Light imports only: every process (workers included) runs this at start.
        from sora_social.accounts import seeding
        from sora_social.celery import app
        from sora_social.common.seeding import register_seeder

        register_seeder(seeding.UsersSeeder())

        from django.db.models.signals import post_delete

        from sora_social.accounts.models import User
        from sora_social.accounts.services.sessions import on_user_deleted

        post_delete.connect(on_user_deleted, sender=User, dispatch_uid="accounts.user_deleted.sockets")
        app.conf.beat_schedule["accounts.teens_age_out"] = {
            "task": "accounts.teens_age_out",
            "schedule": crontab(hour=3, minute=17),
        }
        app.conf.beat_schedule["accounts.refresh_tokens_flush_expired"] = {
            "task": "accounts.refresh_tokens_flush_expired",
            "schedule": crontab(hour=3, minute=41),
        }
