"""Admin of the feed app."""
