"""Factories for cameos."""

from __future__ import annotations

import factory
from django.utils import timezone

from cameos.models import Appearance, Audience, Cameo, CameoState
from tests.accounts.factories import UserFactory


class CameoFactory(factory.django.DjangoModelFactory):
    """A verified cameo (no face data; use `enrol_face` in conftest for that)."""

    class Meta:
        model = Cameo

    owner = factory.SubFactory(UserFactory)
    state = CameoState.VERIFIED
    audience = Audience.APPROVED
    challenge = factory.LazyFunction(
        lambda: {"moves": ["left", "right"], "phrase": "amber river", "phrase_window_s": [3.5, 6.5]}
    )
    verified_at = factory.LazyFunction(timezone.now)
    embedding_model = "dlib_128"


class AppearanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appearance

    cameo = factory.SubFactory(CameoFactory)
    kind = Appearance.Kind.GENERATION
    object_id = factory.Sequence(lambda n: 10_000 + n)
    source = Appearance.Source.CAST
