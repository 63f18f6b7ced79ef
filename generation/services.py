"""Writes of the generation app: one function per state change (`<entity>_<action>`, keyword-only)."""
