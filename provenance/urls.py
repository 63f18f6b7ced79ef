"""Web (non-API) routes of provenance: the public verification page."""

from django.urls import path

from provenance import web

urlpatterns = [path("verify", web.verify, name="verify")]
