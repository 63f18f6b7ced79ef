"""API routes of the feed app, mounted under /api/v1/."""

urlpatterns: list = []
