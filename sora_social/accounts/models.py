"""The member model. It exists from the first migration so that every later
table can point at it; invite-tree and graph fields grow on it over time."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from sora_social.common.ids import SnowflakeField


class User(AbstractUser):
    id = SnowflakeField()
    display_name = models.CharField(max_length=64, blank=True)
    bio = models.CharField(max_length=300, blank=True)

    class Meta:
        db_table = "accounts_user"

    def __str__(self) -> str:
        return f"@{self.username}"
