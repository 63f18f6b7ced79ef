"""Factories for moderation."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from moderation.models import RightsHolderEntry
from tests.accounts.factories import UserFactory


class SeasonedUserFactory(UserFactory):
    """A member old enough that their reports weigh fully."""

    date_joined = factory.LazyFunction(lambda: timezone.now() - timedelta(days=90))


class StaffFactory(SeasonedUserFactory):
    is_staff = True


class RightsHolderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RightsHolderEntry

    slug = factory.Sequence(lambda n: f"character-{n}")
    name = factory.Sequence(lambda n: f"Character {n}")
    rights_holder = "Example Studios"
    description = ""
    choice = RightsHolderEntry.Choice.BLOCK
