from django.apps import AppConfig


class CameosConfig(AppConfig):
    name = "cameos"
    label = "cameos"
    verbose_name = "Cameos"

    def ready(self) -> None:
        from sora_social.celery import app

        # A lost verification message or a dead worker costs minutes, never a cameo.
        app.conf.beat_schedule["cameos-reconcile-processing"] = {
            "task": "cameos.reconcile_processing",
            "schedule": 120.0,
        }
