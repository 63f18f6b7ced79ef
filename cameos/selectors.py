"""Reads of the cameos app; other apps read cameos through here."""
