"""Reads of the moderation app; other apps read moderation through here."""
