from django.apps import AppConfig


class ProvenanceConfig(AppConfig):
    name = "provenance"
    label = "provenance"
    verbose_name = "Provenance"

    def ready(self) -> None:
        from cameos.signals import cameo_deleted
        from generation import screens
        from generation.signals import generation_finished
        from moderation import signals as moderation_signals
        from moderation.registry import register_subject
        from provenance import receivers
        from provenance.seeding import ProvenanceSeeder
        from provenance.subjects import MatchSubjects
        from sora_social.accounts.signals import account_deleted
        from sora_social.common import states
        from sora_social.common.seeding import register_seeder

        register_subject("hash_match", MatchSubjects())
        generation_finished.connect(receivers.on_generation_finished, dispatch_uid="provenance.finished")
        states.state_changed.connect(receivers.on_state_changed, dispatch_uid="provenance.state_changed")
        moderation_signals.content_actioned.connect(
            receivers.on_content_actioned, dispatch_uid="provenance.actioned"
        )
        cameo_deleted.connect(receivers.on_cameo_deleted, dispatch_uid="provenance.cameo_deleted")
        account_deleted.connect(receivers.on_account_deleted, dispatch_uid="provenance.account_deleted")
        screens.register_upload_screen(receivers.screen_upload)
        register_seeder(ProvenanceSeeder())
