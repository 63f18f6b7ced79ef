"""Models of the cameos app."""
