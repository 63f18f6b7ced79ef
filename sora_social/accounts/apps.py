from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sora_social.accounts"
    label = "accounts"
    verbose_name = "Members"

    def ready(self) -> None:
        from sora_social.accounts import seeding
        from sora_social.common.seeding import register_seeder

        register_seeder(seeding.UsersSeeder())
