from django.urls import path

from provenance.api import views

urlpatterns = [path("provenance/lookup", views.LookupView.as_view(), name="provenance-lookup")]
