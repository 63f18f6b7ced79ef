"""Test settings: the same stack as development, made faster and deterministic."""

from sora_social.settings.base import *  # noqa: F403
from sora_social.settings.base import REST_FRAMEWORK

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False
# Tests start the in-process worker themselves (fixture `inprocess_worker`).
INPROCESS_WORKER = False
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"user_burst": "10000/min", "anon": "10000/min", "auth": "10000/min"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
