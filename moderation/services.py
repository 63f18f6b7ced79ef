"""Writes of the moderation app: one function per state change (`<entity>_<action>`, keyword-only)."""
