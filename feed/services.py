"""Writes of the feed app: one function per state change (`<entity>_<action>`, keyword-only)."""
