from django.apps import AppConfig


class GenerationConfig(AppConfig):
    name = "generation"
    label = "generation"
    verbose_name = "Generation"
