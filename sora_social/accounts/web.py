"""The invite page: `GET|POST /i/<code>`, an invite link a friend can open in any browser.

GET shows who invited you (only for a code that can still be redeemed) and
the signup form: username, e-mail, password, birthdate (the age gate: under
SIGNUP_MIN_AGE is refused, 13-17 join as teens) and region. Outside the open
regions (`SIGNUP_REGIONS`, known from the CDN's country header
`WEB_REGION_HEADER` when set, or `?region=`) it shows the waitlist form
instead. Plain form POSTs to the same URL, no JavaScript, CSRF-protected.

Every rule is the API's: the POST calls the same services as
`POST /api/v1/auth/signup` and `POST /api/v1/waitlist` (`user_signup`,
`waitlist_join`), throttled by the same per-IP `auth` throttle, and a refusal
shows the service's message with its status. Unknown codes are 404 and count
as failed redemptions from the IP (`invite_link_open`); spent or disabled
codes are 410. The page is never cached.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.cache import patch_cache_control
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from sora_social.accounts import presenters, services
from sora_social.accounts.selectors import InvitePreview
from sora_social.common.errors import ApplicationError, RateLimited, ValidationFailed
from sora_social.common.throttles import AuthIPThrottle, CounterThrottle
from sora_social.common.web import client_ip, error_page, page

_REGION = forms.RegexField(
    regex=r"^[A-Za-z]{2}$",
    max_length=2,
    strip=True,
    error_messages={"invalid": "A two-letter country code."},
)


class SignupForm(forms.Form):
    """The API signup's fields (`SignupView.InputSerializer`), less the code (it is in the URL)."""

    username = forms.CharField(max_length=150)
    email = forms.EmailField(max_length=254)
    password = forms.CharField(max_length=128, strip=False)
    birthdate = forms.DateField(input_formats=["%Y-%m-%d"])
    region = _REGION


class WaitlistForm(forms.Form):
    email = forms.EmailField(max_length=254)
    region = _REGION


GONE = {"used": "This invite has already been used", "disabled": "This invite can no longer be used"}


def _region_hint(request: HttpRequest) -> str:
    header = settings.WEB_REGION_HEADER
    hint = (request.headers.get(header, "") if header else "") or request.GET.get("region", "")
    hint = hint.strip().upper()
    return hint if len(hint) == 2 and hint.isascii() and hint.isalpha() else ""


def _throttled(request: HttpRequest) -> RateLimited | None:
    """The API signup's per-IP throttle (`AuthIPThrottle`, shared counter), applied to this POST."""
    throttle: CounterThrottle = AuthIPThrottle()
    if throttle.allow_request(request, None):
        return None
    return RateLimited(retry_after=int(throttle.wait() or 1))


def _field_errors(error: ApplicationError) -> dict[str, list[str]]:
    details = error.details if isinstance(error, ValidationFailed) else {}
    return {k: [str(m) for m in v] for k, v in details.items() if isinstance(v, list)}


def _render(
    request: HttpRequest, code: str, preview: InvitePreview, *, status: int = 200, **context: Any
) -> HttpResponse:
    region = context.pop("region", "") or _region_hint(request)
    waitlist = context.pop("waitlist", bool(region) and region not in settings.SIGNUP_REGIONS)
    body = presenters.invite_page_out(
        preview, code=code, region=region, waitlist=waitlist, min_age=settings.SIGNUP_MIN_AGE
    )
    response = page(request, "accounts/invite.html", {**body, **context}, status=status)
    patch_cache_control(response, no_store=True, private=True)
    return response


def _post(request: HttpRequest, code: str, preview: InvitePreview) -> HttpResponse:
    if request.POST.get("form") == "waitlist":
        form: forms.Form = WaitlistForm(request.POST)
        if not form.is_valid():
            return _render(
                request,
                code,
                preview,
                status=400,
                waitlist=True,
                form_errors=form.errors,
                values=request.POST,
            )
        entry = services.waitlist_join(**form.cleaned_data)
        return _render(request, code, preview, status=201, done="waitlisted", region=entry.region)
    form = SignupForm(request.POST)
    if not form.is_valid():
        return _render(
            request, code, preview, status=400, waitlist=False, form_errors=form.errors, values=request.POST
        )
    result = services.user_signup(invite_code=code, **form.cleaned_data, ip=client_ip(request))
    if result.user is None:
        region = result.waitlisted.region if result.waitlisted else form.cleaned_data["region"].upper()
        return _render(request, code, preview, status=202, done="waitlisted", region=region)
    return _render(request, code, preview, status=201, done="joined", member=result.user.username)


@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def invite_page(request: HttpRequest, code: str) -> HttpResponse:
    ip = client_ip(request)
    if request.method == "POST" and (limited := _throttled(request)):
        return error_page(request, limited, title="Too many attempts")
    try:
        preview = services.invite_link_open(code=code, ip=ip)
    except ApplicationError as exc:
        return error_page(request, exc, title="This invite link does not work")
    if preview.state != "usable":
        response = page(request, "web/error.html", {"title": GONE[preview.state]}, status=410)
        patch_cache_control(response, no_store=True)
        return response
    if request.method != "POST":
        return _render(request, code, preview)
    try:
        return _post(request, code, preview)
    except ApplicationError as exc:
        response = _render(
            request,
            code,
            preview,
            status=exc.status,
            waitlist=request.POST.get("form") == "waitlist",
            error=exc.message,
            form_errors=_field_errors(exc),
            values=request.POST,
        )
        if isinstance(exc, RateLimited):
            response["Retry-After"] = str(exc.retry_after)
        return response


urlpatterns = [path("i/<str:code>", invite_page, name="invite-page")]
