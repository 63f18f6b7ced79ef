"""Model signals moderation receives: a registry row saved or deleted invalidates the registry snapshots."""

from __future__ import annotations

from typing import Any

from moderation import services


def on_registry_row_written(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """post_save / post_delete of `PublicFigureEntry` and `RightsHolderEntry`."""
    services.registry_changed(using=using)
