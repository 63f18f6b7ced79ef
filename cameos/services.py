"""Writes of the cameos app: one function per state change (`<entity>_<action>`, keyword-only)."""
