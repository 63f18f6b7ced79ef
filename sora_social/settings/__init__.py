"""Settings package: `base` (everything, from environment variables) and `test`."""
