"""Admin of the moderation app."""
