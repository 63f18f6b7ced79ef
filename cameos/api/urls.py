"""API routes of the cameos app, mounted under /api/v1/."""

urlpatterns: list = []
