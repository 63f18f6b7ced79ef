from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "feed"
    label = "feed"
    verbose_name = "Feed"

    def ready(self) -> None:
        from django.conf import settings

        from cameos import signals as cameo_signals
        from feed import receivers, selectors
        from feed.demo_notifications import NotificationsSeeder
        from feed.seeding import PostsSeeder
        from feed.selectors.provenance import post_job, posts_for_jobs
        from feed.subjects import CommentSubjects, PostSubjects
        from generation.remix import register_source_resolver
        from moderation import signals as moderation_signals
        from moderation.registry import register_subject
        from provenance.registry import register_post_resolver
        from sora_social.accounts import signals as account_signals
        from sora_social.celery import app
        from sora_social.common.seeding import register_seeder

        register_source_resolver(selectors.remix_source)
        register_post_resolver(posts_for_jobs, post_job)
        register_subject("post", PostSubjects())
        register_subject("comment", CommentSubjects())
        moderation_signals.content_actioned.connect(
            receivers.on_content_actioned, dispatch_uid="feed.actioned"
        )
        cameo_signals.cameo_access_revoked.connect(
            receivers.on_cameo_access_revoked, dispatch_uid="feed.revoked"
        )
        cameo_signals.appearance_removed.connect(
            receivers.on_appearance_removed, dispatch_uid="feed.appearance"
        )
        cameo_signals.cameo_deleted.connect(receivers.on_cameo_deleted, dispatch_uid="feed.cameo_deleted")
        account_signals.user_blocked.connect(receivers.on_user_blocked, dispatch_uid="feed.blocked")
        account_signals.account_deleted.connect(
            receivers.on_account_deleted, dispatch_uid="feed.account_deleted"
        )
        app.conf.beat_schedule["feed.refresh_shared"] = {
            "task": "feed.refresh_shared",
            "schedule": float(settings.FEED_REFRESH_EVERY_S),
        }
        app.conf.beat_schedule["feed.embed_missing"] = {"task": "feed.embed_missing", "schedule": 600.0}
        app.conf.beat_schedule["feed.prune_search_vectors"] = {
            "task": "feed.prune_search_vectors",
            "schedule": 86400.0,
        }
        register_seeder(PostsSeeder())
        register_seeder(NotificationsSeeder())
