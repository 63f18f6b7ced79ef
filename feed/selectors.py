"""Reads of the feed app; other apps read feed through here."""
