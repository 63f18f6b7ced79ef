"""The project's URLs plus one view that fails, to test the 500 error shape."""

from django.urls import path
from rest_framework.views import APIView

from sora_social.urls import urlpatterns as project_urlpatterns


class BoomView(APIView):
    authentication_classes: list = []
    permission_classes: list = []

    def get(self, request):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")


def plain_boom(request):  # type: ignore[no-untyped-def]
    raise RuntimeError("boom")


urlpatterns = [
    path("api/v1/boom", BoomView.as_view()),
    path("plain-boom", plain_boom),
    *project_urlpatterns,
]
handler404 = "sora_social.common.errors.handler404"
handler500 = "sora_social.common.errors.handler500"
