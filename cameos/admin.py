"""Admin of the cameos app."""
