"""Test settings: the same stack as development, made faster and deterministic."""

from sora_social.embedded_db import apply_connection_settings
from sora_social.settings.base import *  # noqa: F403
from sora_social.settings.base import DATABASES, REST_FRAMEWORK

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEBUG = False
# Tests start the in-process worker themselves (fixture `inprocess_worker`).
INPROCESS_WORKER = False
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "user_burst": "10000/min",
        "anon": "10000/min",
        "auth": "10000/min",
        "provenance_lookup": "10000/min",
    },
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Tests run inside transactions on the test thread's connection; a pooled
# connection handed back mid-test (Channels closes "obsolete" connections)
# would take that transaction with it. The pool has its own test
# (tests/common/test_database_pool.py) on a second alias.
apply_connection_settings(DATABASES["default"], pool_max=0, conn_max_age=0)
DATABASES["pooled"] = {**DATABASES["default"], "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {}))}
apply_connection_settings(DATABASES["pooled"], pool_max=3, conn_max_age=0)
DATABASES["pooled"]["TEST"] = {"MIRROR": "default"}

# The test process does not lease its snowflake node: its lease connection would
# keep the test database open when pytest-django drops it. (tests/common/test_ids.py
# checks leases with real processes on the development settings.)
SNOWFLAKE_LEASE = False
