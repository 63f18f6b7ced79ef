"""Reads of the generation app; other apps read generation through here."""
