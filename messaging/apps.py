from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"
    label = "messaging"
    verbose_name = "Direct messages"

    def ready(self) -> None:
        from messaging import receivers
        from messaging.seeding import ThreadsSeeder
        from messaging.subjects import MessageSubjects
        from moderation import signals as moderation_signals
        from moderation.registry import register_subject
        from sora_social.accounts import signals as account_signals
        from sora_social.common.seeding import register_seeder

        register_subject("message", MessageSubjects())
        moderation_signals.content_actioned.connect(
            receivers.on_content_actioned, dispatch_uid="messaging.actioned"
        )
        account_signals.user_blocked.connect(receivers.on_user_blocked, dispatch_uid="messaging.blocked")
        account_signals.account_deleted.connect(
            receivers.on_account_deleted, dispatch_uid="messaging.account_deleted"
        )
        register_seeder(ThreadsSeeder())
