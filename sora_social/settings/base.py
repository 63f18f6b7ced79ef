"""Project settings. Production differs from development only by environment variables.

Every variable is read through `sora_social.settings.env`, which also documents
it for the README. With no variables set at all, the project runs on an
embedded PostgreSQL, an in-process Celery worker and in-memory layers.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sora_social.common.redis_config import redis_layer_config, redis_retry
from sora_social.common.secret_file import read_or_create_secret
from sora_social.embedded_db import apply_connection_settings, ensure_embedded_postgres, parse_database_url
from sora_social.settings.env import EnvError, env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(
    env_str(
        "SORA_VAR_DIR", None, "Directory for local state (embedded database, media, keys). Unset: `var/`."
    )
    or BASE_DIR / "var"
)
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env_bool("DJANGO_DEBUG", False, "Django debug mode (tracebacks in responses). Never in production.")


_configured_secret_key = env_str(
    "DJANGO_SECRET_KEY",
    None,
    "Signing key. Unset: one is generated once into `var/secret_key` (production refuses to start without one).",
)
# "env", or the file the key was generated into (production refuses the latter: one key per host).
SECRET_KEY_SOURCE = "env" if _configured_secret_key else str(VAR_DIR / "secret_key")
SECRET_KEY = _configured_secret_key or read_or_create_secret(VAR_DIR / "secret_key")
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", ["*"], "Host names this server answers to (production refuses `*`)."
)
CSRF_TRUSTED_ORIGINS = env_list(
    "DJANGO_CSRF_TRUSTED_ORIGINS", [], "Origins trusted for admin form posts behind a proxy (https://host)."
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Trigram and full-text lookups (search); the pg_trgm extension comes with accounts' migrations.
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework_simplejwt",
    "rest_framework_simplejwt.token_blacklist",
    "drf_spectacular",
    "channels",
    # Ours, in import order: an app may import the apps above it, never below.
    "sora_social.common",
    "sora_social.notifications",
    "sora_social.accounts",
    "moderation",
    "cameos",
    "generation",
    "provenance",
    "feed",
    "messaging",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so it sees exceptions from views before the ones above turn them into responses.
    "sora_social.common.errors.DependencyDownMiddleware",
]

ROOT_URLCONF = "sora_social.urls"
ASGI_APPLICATION = "sora_social.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "sora_social" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------

DATABASE_URL = env_str(
    "DATABASE_URL", None, "PostgreSQL (with pgvector) URL. Unset: an embedded PostgreSQL under `var/pg`."
)
EMBEDDED_DB_NAME = env_str("EMBEDDED_DB_NAME", "sora", "Database name inside the embedded server.") or "sora"
if DATABASE_URL:
    _db = parse_database_url(DATABASE_URL)
else:
    _db = ensure_embedded_postgres(VAR_DIR / "pg", EMBEDDED_DB_NAME)
DB_POOL_MAX = env_int(
    "DB_POOL_MAX",
    16,
    "Connections in each process's psycopg pool; 0 turns pooling off (then DB_CONN_MAX_AGE applies).",
)
DB_CONN_MAX_AGE = env_int(
    "DB_CONN_MAX_AGE", 0, "Seconds a connection is kept for reuse when pooling is off (keep 0 under ASGI)."
)
DB_PREPARED_STATEMENTS = env_bool(
    "DB_PREPARED_STATEMENTS",
    True,
    "Prepare hot-path statements on the server (turn off behind a pooler that cannot keep them).",
)
apply_connection_settings(_db, pool_max=DB_POOL_MAX, conn_max_age=DB_CONN_MAX_AGE)

# --- HTTPS and cookies (production defaults when DATABASE_URL is set) --------

_PRODUCTION = bool(DATABASE_URL)
SESSION_COOKIE_SECURE = env_bool(
    "SESSION_COOKIE_SECURE",
    _PRODUCTION,
    "Send the admin session cookie over HTTPS only. Default: true when DATABASE_URL is set.",
)
CSRF_COOKIE_SECURE = env_bool(
    "CSRF_COOKIE_SECURE",
    _PRODUCTION,
    "Send the CSRF cookie over HTTPS only. Default: true when DATABASE_URL is set.",
)
SECURE_SSL_REDIRECT = env_bool(
    "SECURE_SSL_REDIRECT",
    _PRODUCTION,
    "Redirect plain HTTP to HTTPS (not /healthz, /readyz). Default: true when DATABASE_URL is set.",
)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env_int(
    "SECURE_HSTS_SECONDS",
    31_536_000 if _PRODUCTION else 0,
    "Strict-Transport-Security max-age. Default: one year when DATABASE_URL is set, else 0 (off).",
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", False, "Add includeSubDomains to the HSTS header."
)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False, "Add preload to the HSTS header.")
_proxy_ssl_header = env_str(
    "SECURE_PROXY_SSL_HEADER",
    None,
    "`Header=value` the TLS-terminating proxy sets on HTTPS requests (e.g. `X-Forwarded-Proto=https`); "
    "set it only when the proxy always overwrites that header. Unset: none trusted.",
)
if _proxy_ssl_header:
    _header, _sep, _value = _proxy_ssl_header.partition("=")
    if not _sep or not _header.strip() or not _value.strip():
        raise EnvError(f"SECURE_PROXY_SSL_HEADER={_proxy_ssl_header!r} is not `Header=value`")
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _header.strip().upper().replace("-", "_"), _value.strip())
_db["TEST"] = {"NAME": f"test_{_db['NAME']}"}
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: broker, cache, channel layer ------------------------------------

REDIS_URL = env_str(
    "REDIS_URL", None, "Redis for the Celery broker, cache and channel layer. Unset: in-process equivalents."
)

if REDIS_URL:
    CACHES = {
        "default": {
            # Django's RedisCache with one connection pool per process (not per request).
            "BACKEND": "sora_social.common.cache.SharedPoolRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"retry": redis_retry()},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": redis_layer_config(REDIS_URL),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "sora_social.common.channel_layer.InProcessChannelLayer"}}

# --- Celery --------------------------------------------------------------------

CELERY_BROKER_URL = REDIS_URL or "memory://"
INPROCESS_WORKER = env_bool(
    "INPROCESS_WORKER",
    not REDIS_URL,
    "Run a Celery worker and beat inside the web process (the embedded default). Off when REDIS_URL is set.",
)
CELERY_INPROCESS_CONCURRENCY = env_int(
    "INPROCESS_WORKER_CONCURRENCY", 2, "Threads of the in-process Celery worker."
)

# --- Auth, API -------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "sora_social.accounts.authentication.BearerAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["sora_social.common.renderers.ORJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "sora_social.common.parsers.ORJSONParser",
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "sora_social.common.pagination.CursorPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "sora_social.common.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "sora_social.common.schema.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "sora_social.common.throttles.BurstUserThrottle",
        "sora_social.common.throttles.AnonIPThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "user_burst": env_str("THROTTLE_USER", "600/min", "Requests per signed-in user."),
        "anon": env_str("THROTTLE_ANON", "120/min", "Requests per IP without sign-in."),
        "auth": env_str("THROTTLE_AUTH", "20/min", "Sign-in and token attempts per IP."),
        "provenance_lookup": env_str(
            "THROTTLE_PROVENANCE_LOOKUP", "10/min", "Provenance lookups (API and /verify) per IP."
        ),
    },
    "NUM_PROXIES": env_int("NUM_PROXIES", 0, "Reverse proxies in front of the server (for client IPs)."),
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("JWT_ACCESS_MINUTES", 30, "Access token lifetime.")),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("JWT_REFRESH_DAYS", 30, "Refresh token lifetime.")),
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_CLAIM": "user_id",
    "UPDATE_LAST_LOGIN": False,
    # Refresh tokens rotate; a used one presented again signs out its whole
    # family (sora_social.accounts.services.sessions).
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Sora Social API",
    "DESCRIPTION": "The mobile API: onboarding, generation, cameos, feed and moderation.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # One name for the cameo audience levels wherever they appear (cameos, parental controls).
    "ENUM_NAME_OVERRIDES": {
        "CameoAudienceEnum": ["only_me", "approved", "mutuals", "everyone"],
        "CameoDecisionStateEnum": ["pending", "approved", "denied"],
        "ImageUploadStateEnum": ["pending", "ready", "rejected"],
        "ThreadStateEnum": ["active", "ended"],
        "ThreadMembershipStateEnum": ["requested", "active", "declined", "left"],
        "MessageStateEnum": ["visible", "deleted", "removed"],
        "ThreadKindEnum": ["direct", "group"],
    },
    # The error component and every operation's error statuses (see sora_social/common/schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "sora_social.common.schema.postprocess",
    ],
}

# --- Storage ---------------------------------------------------------------

MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STATIC_URL = "/static/"
STATIC_ROOT = Path(
    env_str(
        "STATIC_ROOT",
        None,
        "Where `collectstatic` puts admin assets (the images bake them in). Unset: `var/static`.",
    )
    or VAR_DIR / "static"
)
SERVE_STATIC = env_bool("SERVE_STATIC", True, "Serve /static/ (admin assets) from the app server.")

AWS_STORAGE_BUCKET_NAME = env_str(
    "S3_BUCKET", None, "S3 bucket for media. Unset: local disk under `var/media`."
)
AWS_S3_ENDPOINT_URL = env_str("S3_ENDPOINT_URL", None, "S3 endpoint, for S3-compatible stores.")
AWS_S3_REGION_NAME = env_str("S3_REGION", "us-east-1", "S3 region.")
# Private media (see sora_social/common/storage.py) is reached only through
# signed URLs that live this long; biometric data has no URLs at all.
MEDIA_URL_TTL_S = env_int(
    "MEDIA_URL_TTL_S", 300, "Seconds a signed media URL (local HMAC or S3 presigned GET) stays valid."
)
MEDIA_X_ACCEL_PREFIX = env_str(
    "MEDIA_X_ACCEL_PREFIX",
    None,
    "Internal nginx location (e.g. `/protected-media/`) the local media view hands checked files to "
    "with `X-Accel-Redirect`. Unset: the app streams them.",
)
# Local biometric data: beside MEDIA_ROOT (`var/biometric`), never under it.
BIOMETRIC_ROOT = None
if AWS_STORAGE_BUCKET_NAME:
    AWS_QUERYSTRING_AUTH = True
    AWS_DEFAULT_ACL = None
    _media_storage = {"BACKEND": "sora_social.common.storage.MediaS3Storage"}
    _biometric_storage = {"BACKEND": "sora_social.common.storage.BiometricS3Storage"}
else:
    _media_storage = {"BACKEND": "sora_social.common.storage.MediaFileStorage"}
    _biometric_storage = {"BACKEND": "sora_social.common.storage.BiometricFileStorage"}
STORAGES = {
    "default": _media_storage,
    "biometric": _biometric_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Misc ------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend", "Django mail backend class."
)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Sora Social <noreply@sora.local>", "Sender of e-mails.")
SNOWFLAKE_NODE = env_int(
    "SNOWFLAKE_NODE",
    -1,
    "Node id (0-1023) tried first for generated ids; each process leases a node no live process holds "
    "(a PostgreSQL advisory lock), so this is only a preference. -1: start at a random one.",
)
SNOWFLAKE_LEASE = True  # lease the node from the database (test settings turn it off)
HEALTH_STORAGE_TIMEOUT_S = env_float("HEALTH_TIMEOUT_S", 2.0, "Seconds each readiness check may take.")

LOG_LEVEL = env_str("LOG_LEVEL", "INFO", "Root log level.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"embedded_postgres": {"level": "WARNING"}, "celery": {"level": "WARNING"}},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# --- notifications: push providers (unset: that platform gets no push) ---

APNS_URL = (
    env_str(
        "APNS_URL",
        "https://api.push.apple.com",
        "APNs server (https://api.sandbox.push.apple.com for development builds).",
    )
    or "https://api.push.apple.com"
)
APNS_KEY_FILE = env_str(
    "APNS_KEY_FILE", None, "Path of the APNs auth key (.p8, an EC P-256 private key in PEM)."
)
APNS_KEY_ID = env_str("APNS_KEY_ID", None, "The APNs auth key's id (the JWT `kid`).")
APNS_TEAM_ID = env_str("APNS_TEAM_ID", None, "The Apple developer team id (the JWT `iss`).")
APNS_TOPIC = env_str("APNS_TOPIC", None, "The iOS app's bundle id (the `apns-topic` header).")
FCM_URL = (
    env_str("FCM_URL", "https://fcm.googleapis.com", "FCM HTTP v1 server.") or "https://fcm.googleapis.com"
)
FCM_CREDENTIALS_FILE = env_str(
    "FCM_CREDENTIALS_FILE",
    None,
    "Path of the Firebase service-account key (JSON with client_email, private_key, token_uri).",
)
FCM_PROJECT_ID = env_str("FCM_PROJECT_ID", None, "Firebase project id (default: the key file's project_id).")

# --- accounts ---

INVITES_PER_USER = env_int("INVITES_PER_USER", 4, "Invite codes every active member holds.")
ADMIN_LOGIN_MAX_FAILURES = env_int(
    "ADMIN_LOGIN_MAX_FAILURES", 5, "Failed admin sign-ins per username before it is locked for a while."
)
ADMIN_LOGIN_MAX_FAILURES_IP = env_int(
    "ADMIN_LOGIN_MAX_FAILURES_IP", 20, "Failed admin sign-ins per client IP before it is locked for a while."
)
ADMIN_LOGIN_LOCKOUT_SECONDS = env_int(
    "ADMIN_LOGIN_LOCKOUT_SECONDS", 900, "How long failed admin sign-ins are counted (and a lock lasts)."
)
SIGNUP_REGIONS = [
    r.upper()
    for r in env_list(
        "SIGNUP_REGIONS",
        ["US", "CA"],
        "Regions (ISO 3166-1 alpha-2) open to signup; others join the waitlist.",
    )
]
SIGNUP_MIN_AGE = env_int("SIGNUP_MIN_AGE", 13, "Youngest age that may sign up.")
TEEN_UNTIL_AGE = env_int("TEEN_UNTIL_AGE", 18, "Members younger than this are teens (stricter defaults).")
TEEN_DAILY_FEED_BUDGET_MIN = env_int(
    "TEEN_DAILY_FEED_BUDGET_MIN", 60, "Default daily feed budget of a teen, in minutes."
)
INVITE_FAILED_LIMIT = env_int(
    "INVITE_FAILED_LIMIT", 10, "Failed invite redemptions allowed per IP and per device id in the window."
)
INVITE_FAILED_WINDOW_S = env_int(
    "INVITE_FAILED_WINDOW_S", 3600, "Window of the failed-redemption throttle, in seconds."
)
INVITE_RISK_WINDOW_H = env_int(
    "INVITE_RISK_WINDOW_H", 24, "Hours of recent redemptions the invite risk signals look at."
)
PARENTAL_LINK_TTL_H = env_int("PARENTAL_LINK_TTL_H", 48, "Hours a parental link code stays valid.")
INVITE_ADMIN_MAX_PER_ACTION = env_int(
    "INVITE_ADMIN_MAX_PER_ACTION",
    100,
    "Root codes one admin issuance may mint (`manage.py invites create` is not capped).",
)
WAITLIST_WAVE_MAX = env_int("WAITLIST_WAVE_MAX", 1000, "People one waitlist wave from the admin may admit.")
INVITE_ADMIN_DAILY_CAP = env_int(
    "INVITE_ADMIN_DAILY_CAP",
    2000,
    "Root codes one staff member may mint from the admin per rolling 24 hours (issuances and waves together).",
)
AVATAR_MAX_BYTES = env_int("AVATAR_MAX_BYTES", 4 * 1024 * 1024, "Largest avatar image a member may upload.")
AVATAR_MAX_SIDE = env_int(
    "AVATAR_MAX_SIDE", 4096, "Largest width or height of an uploaded avatar (checked from the header)."
)
AVATAR_SIZE = env_int("AVATAR_SIZE", 512, "Side of the square avatar stored after resizing, in pixels.")

# --- web pages (share pages, invite links) and app links ---

WEB_BASE_URL = env_str(
    "WEB_BASE_URL",
    None,
    "Public origin of the web pages (`https://sora.example`), for absolute Open Graph URLs. Unset: the request's host.",
)
WEB_REGION_HEADER = env_str(
    "WEB_REGION_HEADER",
    None,
    "Request header a CDN fills with the visitor's country (e.g. `CloudFront-Viewer-Country`): invite pages outside SIGNUP_REGIONS show the waitlist form. Unset: always the signup form.",
)
WEB_SHARE_CACHE_S = env_int(
    "WEB_SHARE_CACHE_S",
    60,
    "Seconds shared caches may keep a share page (`/p/<id>`); 404s are kept half as long.",
)
APP_IOS_APP_IDS = env_list(
    "APP_IOS_APP_IDS",
    [],
    "iOS app ids (`TEAMID.bundle.id`) that open /p/ and /i/ links (apple-app-site-association). Empty: no iOS app links.",
)
APP_ANDROID_PACKAGE = env_str(
    "APP_ANDROID_PACKAGE",
    None,
    "Android package name that opens /p/ and /i/ links (assetlinks.json). Unset: none.",
)
APP_ANDROID_CERT_FINGERPRINTS = env_list(
    "APP_ANDROID_CERT_FINGERPRINTS",
    [],
    "SHA-256 fingerprints (`AB:CD:…`) of the Android app's signing certificates, for assetlinks.json.",
)

# --- moderation ---

SAFETY_FAIL_CLOSED = env_bool(
    "SAFETY_FAIL_CLOSED",
    True,
    "Refuse checks (and so generation) when a configured safety classifier is missing, instead of letting content through.",
)
SAFETY_PROMPT_MODEL = env_str(
    "SAFETY_PROMPT_MODEL",
    "bundled",
    "Sentence-embedding model for prompts: `bundled` (all-MiniLM-L6-v2 from its package), a local directory, or `off`.",
)
SAFETY_NSFW_MODEL = env_str(
    "SAFETY_NSFW_MODEL", "bundled", "open_nsfw ONNX model for frames: `bundled`, a local path, or `off`."
)
SAFETY_CLIP_MODEL = env_str(
    "SAFETY_CLIP_MODEL",
    None,
    "open_clip architecture for the CLIP classifier (e.g. `ViT-B-32`). Unset: no CLIP.",
)
SAFETY_CLIP_PRETRAINED = env_str(
    "SAFETY_CLIP_PRETRAINED",
    None,
    "CLIP weights: a local checkpoint path, or an open_clip pretrained tag (needs internet on first load).",
)
SAFETY_CLIP_CONFIG = env_str(
    "SAFETY_CLIP_CONFIG",
    None,
    "A JSON model config registered with open_clip, for a custom CLIP architecture.",
)
SAFETY_HEADS_DIR = env_str(
    "SAFETY_HEADS_DIR",
    None,
    "Directory of trained linear heads (`<category>.npz`) from `manage.py train_safety_head`.",
)
SAFETY_DEVICE = (
    env_str("SAFETY_DEVICE", "auto", "Device for CLIP: `auto` (GPU when present), `cpu`, `cuda`.") or "auto"
)
SAFETY_BF16 = (
    env_str("SAFETY_BF16", "auto", "bf16 autocast for CLIP: `auto` (where supported), `on`, `off`.") or "auto"
)
SAFETY_MAX_FRAMES = env_int(
    "SAFETY_MAX_FRAMES", 10, "Most frames checked per clip (sampled evenly, about one per second)."
)
SAFETY_LLM_PATH = env_str(
    "SAFETY_LLM_PATH",
    None,
    "Local directory of a Llama Guard 3 / ShieldGemma checkpoint for the LLM prompt classifier (never the hub). Unset: off.",
)
SAFETY_LLM_BATCH = env_int("SAFETY_LLM_BATCH", 8, "Prompts per batch through the LLM safety classifier.")
STRIKE_APPEAL_DAYS = env_int("STRIKE_APPEAL_DAYS", 14, "Days a member has to appeal a strike.")
REPORT_ESCALATE_TRUST = env_float(
    "REPORT_ESCALATE_TRUST",
    3.0,
    "Summed reporter trust at which a case is escalated (reports never remove content).",
)
REPORT_NEW_ACCOUNT_DAYS = env_int(
    "REPORT_NEW_ACCOUNT_DAYS", 7, "Reporters younger than this (days) weigh a quarter."
)
RESCAN_BATCH_SIZE = env_int("RESCAN_BATCH_SIZE", 500, "Stored verdicts re-decided per rescan task.")

# --- cameos ---------------------------------------------------------------

CAMEOS_FACE_BACKEND = env_str(
    "CAMEOS_FACE_BACKEND", "dlib", "Face model for cameos: `dlib` (ships its weights) or `insightface`."
)
CAMEOS_INSIGHTFACE_DIR = env_str(
    "CAMEOS_INSIGHTFACE_DIR",
    None,
    "Directory holding the SCRFD (`det*.onnx`) and ArcFace (`w600k*.onnx`) files.",
)
CAMEOS_DLIB_MATCH_DISTANCE = env_float(
    "CAMEOS_DLIB_MATCH_DISTANCE",
    0.55,
    "dlib: Euclidean distance at or below which faces are the same person.",
)
CAMEOS_DLIB_UPSAMPLE = env_int(
    "CAMEOS_DLIB_UPSAMPLE", 1, "dlib: detector upsampling passes (finds smaller faces)."
)
CAMEOS_ARCFACE_MATCH_DISTANCE = env_float(
    "CAMEOS_ARCFACE_MATCH_DISTANCE",
    0.6,
    "insightface: cosine distance at or below which faces are the same person.",
)
CAMEOS_INSIGHTFACE_DET_SIZE = env_int(
    "CAMEOS_INSIGHTFACE_DET_SIZE", 640, "insightface: SCRFD input size (square)."
)
CAMEOS_HNSW_EF_SEARCH = env_int("CAMEOS_HNSW_EF_SEARCH", 100, "HNSW candidate list size per likeness search.")
CAMEOS_RECORDING_MAX_BYTES = env_int(
    "CAMEOS_RECORDING_MAX_BYTES", 25 * 1024 * 1024, "Largest enrolment recording accepted, in bytes."
)
CAMEOS_RECORDING_MAX_SECONDS = env_float(
    "CAMEOS_RECORDING_MAX_SECONDS", 15.0, "Longest enrolment recording accepted, in seconds."
)
CAMEOS_SAMPLE_FPS = env_float(
    "CAMEOS_SAMPLE_FPS", 4.0, "Frames per second sampled from an enrolment recording."
)
CAMEOS_CHALLENGE_TTL_S = env_int(
    "CAMEOS_CHALLENGE_TTL_S", 600, "Seconds a challenge stays valid before the recording must be uploaded."
)
CAMEOS_SPEECH_DBFS = env_float(
    "CAMEOS_SPEECH_DBFS", -40.0, "Loudness (dBFS) a 30 ms audio frame needs to count as voiced."
)

# --- generation ---

GENERATION_BACKEND = env_str(
    "GENERATION_BACKEND",
    "procedural",
    "Render backend: a registered name (`procedural`) or a dotted path to a backend class.",
)
GENERATION_SHORT_SIDE = env_int(
    "GENERATION_SHORT_SIDE", 720, "Pixels of the short side of rendered videos (9:16 at 720 is 720×1280)."
)
GENERATION_FPS = env_int("GENERATION_FPS", 24, "Frames per second of rendered videos.")
GENERATION_DEFAULT_DURATION_S = env_int(
    "GENERATION_DEFAULT_DURATION_S", 10, "Seconds of video when a request names none."
)
GENERATION_MAX_DURATION_S = env_int(
    "GENERATION_MAX_DURATION_S", 25, "Longest video (all storyboard shots together) a request may ask for."
)
GENERATION_DURATIONS = env_list(
    "GENERATION_DURATIONS",
    ["10", "15", "25"],
    "Clip lengths (seconds) a request may choose, besides GENERATION_DEFAULT_DURATION_S.",
)
GENERATION_MAX_DURATION_S_TEEN = env_int(
    "GENERATION_MAX_DURATION_S_TEEN", 15, "Longest video a teen member may ask for."
)
GENERATION_QUOTA_UNIT_S = env_int(
    "GENERATION_QUOTA_UNIT_S",
    10,
    "Seconds of video one unit of the daily quota buys: a clip costs ceil(seconds / unit) units (25 s: 3).",
)
GENERATION_STORYBOARD_MAX_SHOTS = env_int(
    "GENERATION_STORYBOARD_MAX_SHOTS", 6, "Most shots a storyboard may have."
)
GENERATION_DAILY_QUOTA = env_int("GENERATION_DAILY_QUOTA", 30, "Generations a member may start per 24 hours.")
GENERATION_DAILY_QUOTA_TEEN = env_int(
    "GENERATION_DAILY_QUOTA_TEEN", 10, "Generations a teen member may start per 24 hours."
)
GENERATION_CONCURRENT_QUOTA = env_int(
    "GENERATION_CONCURRENT_QUOTA", 3, "Unfinished generations a member may have at once."
)
GENERATION_CONCURRENT_QUOTA_TEEN = env_int(
    "GENERATION_CONCURRENT_QUOTA_TEEN", 1, "Unfinished generations a teen member may have at once."
)
GENERATION_STUCK_AFTER_S = env_int(
    "GENERATION_STUCK_AFTER_S",
    300,
    "Seconds without progress after which the reconciler takes a job back and enqueues it again.",
)
GENERATION_MAX_ATTEMPTS = env_int(
    "GENERATION_MAX_ATTEMPTS", 3, "Render attempts before a job whose workers keep dying is failed."
)
GENERATION_RECONCILE_EVERY_S = env_int(
    "GENERATION_RECONCILE_EVERY_S", 60, "Seconds between runs of the generation reconciler (beat)."
)
PROVENANCE_LOOKUP_MAX_BYTES = env_int(
    "PROVENANCE_LOOKUP_MAX_BYTES",
    25 * 1024 * 1024,
    "Largest video or image a provenance lookup reads, in bytes.",
)
GENERATION_UPLOAD_MAX_BYTES = env_int(
    "GENERATION_UPLOAD_MAX_BYTES", 10 * 1024 * 1024, "Largest image upload for image-to-video, in bytes."
)
GENERATION_UPLOAD_MIN_SIDE = env_int(
    "GENERATION_UPLOAD_MIN_SIDE", 128, "Smallest accepted width or height of an uploaded image, in pixels."
)
GENERATION_UPLOAD_MAX_SIDE = env_int(
    "GENERATION_UPLOAD_MAX_SIDE", 4096, "Largest accepted width or height of an uploaded image, in pixels."
)
GENERATION_UPLOAD_DECODE_TIMEOUT_S = env_float(
    "GENERATION_UPLOAD_DECODE_TIMEOUT_S",
    10.0,
    "Wall-clock seconds a worker may spend decoding one uploaded image.",
)
GENERATION_UPLOAD_MAX_ATTEMPTS = env_int(
    "GENERATION_UPLOAD_MAX_ATTEMPTS",
    3,
    "Decode attempts for an uploaded image (first run and reconciler re-sends) before it is rejected as processing_failed.",
)
GENERATION_WATERMARK_TEXT = env_str(
    "GENERATION_WATERMARK_TEXT", "Sora Social · AI", "Visible watermark burned into every video."
)
GENERATION_X264_PRESET = env_str(
    "GENERATION_X264_PRESET", "veryfast", "x264 preset of the one encode (speed against size)."
)
GENERATION_X264_CRF = env_int(
    "GENERATION_X264_CRF", 23, "x264 constant rate factor (lower is better quality)."
)
# The diffusers backend (GENERATION_BACKEND=diffusers; docs/GENERATION.md).
GENERATION_DIFFUSERS_PATH = env_str(
    "GENERATION_DIFFUSERS_PATH",
    None,
    "Local directory of a diffusers text-to-video pipeline (Wan 2.1/2.2, LTX-Video, LTX-2), or a hub id "
    "when GENERATION_DIFFUSERS_ALLOW_DOWNLOAD is on.",
)
GENERATION_DIFFUSERS_I2V_PATH = env_str(
    "GENERATION_DIFFUSERS_I2V_PATH",
    None,
    "Local directory of the matching image-to-video pipeline (image mode, remix, cameo casting, "
    "storyboard continuity). Unset: LTX derives one from the main pipeline; Wan has none.",
)
GENERATION_DIFFUSERS_ALLOW_DOWNLOAD = env_bool(
    "GENERATION_DIFFUSERS_ALLOW_DOWNLOAD",
    False,
    "Let the first load fetch a hub id into the Hugging Face cache (off: local files only).",
)
GENERATION_DIFFUSERS_KIND = env_str(
    "GENERATION_DIFFUSERS_KIND",
    "auto",
    "Model family for native size and rate: auto (from model_index.json), wan2.1, wan2.2, ltx, ltx2.",
)
GENERATION_DIFFUSERS_PRECISION = env_str(
    "GENERATION_DIFFUSERS_PRECISION", "bf16", "Weights' dtype: bf16, fp16 or fp32."
)
GENERATION_DIFFUSERS_DEVICE = env_str(
    "GENERATION_DIFFUSERS_DEVICE", "cuda", "Torch device: cuda, cuda:1, cpu."
)
GENERATION_DIFFUSERS_OFFLOAD = env_str(
    "GENERATION_DIFFUSERS_OFFLOAD",
    "none",
    "CPU offload: none, model (whole models move to the GPU in turn) or sequential (layer by layer, slowest).",
)
GENERATION_DIFFUSERS_VAE_TILING = env_bool(
    "GENERATION_DIFFUSERS_VAE_TILING", False, "Decode the VAE in tiles (less VRAM at 720p)."
)
GENERATION_DIFFUSERS_VAE_SLICING = env_bool(
    "GENERATION_DIFFUSERS_VAE_SLICING", False, "Decode the VAE one batch slice at a time."
)
GENERATION_DIFFUSERS_ATTENTION = env_str(
    "GENERATION_DIFFUSERS_ATTENTION",
    "",
    "diffusers attention backend for the transformer (native, flash, _flash_3, sage, ...). Empty: default.",
)
GENERATION_DIFFUSERS_STEPS = env_int("GENERATION_DIFFUSERS_STEPS", 30, "Denoising steps per render chunk.")
GENERATION_DIFFUSERS_GUIDANCE = env_float(
    "GENERATION_DIFFUSERS_GUIDANCE", 5.0, "Classifier-free guidance scale (1 turns guidance off)."
)
GENERATION_DIFFUSERS_COMPILE = env_bool(
    "GENERATION_DIFFUSERS_COMPILE", False, "torch.compile the transformer at load (slow first render)."
)
GENERATION_DIFFUSERS_WIDTH = env_int(
    "GENERATION_DIFFUSERS_WIDTH", 0, "Native render width; 0: the model family's 9:16 default."
)
GENERATION_DIFFUSERS_HEIGHT = env_int(
    "GENERATION_DIFFUSERS_HEIGHT", 0, "Native render height; 0: the model family's 9:16 default."
)
GENERATION_DIFFUSERS_FRAMES = env_int(
    "GENERATION_DIFFUSERS_FRAMES", 0, "Frames per render chunk; 0: the model family's default."
)
GENERATION_DIFFUSERS_FPS = env_int(
    "GENERATION_DIFFUSERS_FPS", 0, "The model's native frame rate; 0: the model family's default."
)
GENERATION_DIFFUSERS_MIN_FREE_GB = env_float(
    "GENERATION_DIFFUSERS_MIN_FREE_GB",
    0.0,
    "Memory guard: GPU memory (GiB) that must be free before a render starts; otherwise it is retried later.",
)
GENERATION_AUDIO_BACKEND = env_str(
    "GENERATION_AUDIO_BACKEND",
    "foley",
    "Soundtrack for backends that make no sound: foley (procedural, from the frames' motion) or model.",
)
GENERATION_AUDIO_MODEL_PATH = env_str(
    "GENERATION_AUDIO_MODEL_PATH",
    None,
    "Local directory of a transformers text-to-audio model (MusicGen, ...) for GENERATION_AUDIO_BACKEND=model.",
)
# The remote /v1/videos backend (GENERATION_BACKEND=remote).
GENERATION_REMOTE_URL = env_str(
    "GENERATION_REMOTE_URL", None, "Base URL of a /v1/videos service (e.g. https://api.example.com)."
)
GENERATION_REMOTE_KEY = env_str("GENERATION_REMOTE_KEY", None, "Bearer key for the /v1/videos service.")
GENERATION_REMOTE_MODEL = env_str("GENERATION_REMOTE_MODEL", "sora-2", "The `model` sent to /v1/videos.")
GENERATION_REMOTE_TIMEOUT_S = env_float(
    "GENERATION_REMOTE_TIMEOUT_S", 30.0, "Timeout of one HTTP call to the /v1/videos service."
)
GENERATION_REMOTE_DEADLINE_S = env_float(
    "GENERATION_REMOTE_DEADLINE_S",
    1800.0,
    "How long a remote job may take before it is deleted there and failed here.",
)
GENERATION_REMOTE_POLL_S = env_float(
    "GENERATION_REMOTE_POLL_S", 5.0, "Seconds between status polls (and webhook checks) of a remote job."
)
GENERATION_REMOTE_RETRIES = env_int(
    "GENERATION_REMOTE_RETRIES", 4, "Retries (exponential backoff) of a failed or 429/5xx call to /v1/videos."
)
GENERATION_REMOTE_WEBHOOK_SECRET = env_str(
    "GENERATION_REMOTE_WEBHOOK_SECRET",
    None,
    "Standard Webhooks secret (whsec_...) for video.completed / video.failed; set to use webhooks over polling.",
)
C2PA_SIGN_CERT = env_str(
    "C2PA_SIGN_CERT",
    None,
    "PEM chain (signing cert first, no root) for C2PA manifests. Unset: a development chain under `var/c2pa`.",
)
C2PA_SIGN_KEY = env_str("C2PA_SIGN_KEY", None, "PEM private key of the C2PA signing certificate.")
C2PA_SIGN_ALG = env_str(
    "C2PA_SIGN_ALG", "es256", "C2PA signing algorithm of that key (es256, es384, ps256, ed25519)."
)
C2PA_TSA_URL = env_str(
    "C2PA_TSA_URL", None, "RFC 3161 time-stamp authority for C2PA signatures. Unset: none."
)
C2PA_TRUST_ANCHORS = env_str(
    "C2PA_TRUST_ANCHORS",
    None,
    "PEM root certificates trusted when reading manifests back. Unset: the development root, if generated.",
)

# --- feed ---

FEED_REDIS_URL = env_str(
    "FEED_REDIS_URL",
    REDIS_URL,
    "Redis holding materialised feeds (For you sorted sets, Following lists). Unset: database tables.",
)
FEED_FOLLOWING_CAP = env_int(
    "FEED_FOLLOWING_CAP", 800, "Posts kept in each member's fanned-out Following list."
)
FEED_CANDIDATES_MAX = env_int("FEED_CANDIDATES_MAX", 500, "Ranked For you items materialised per member.")
FEED_REFRESH_AFTER_S = env_int(
    "FEED_REFRESH_AFTER_S", 900, "Age of a member's For you set after which a read enqueues a refresh."
)
FEED_REFRESH_EVERY_S = env_int(
    "FEED_REFRESH_EVERY_S", 300, "Seconds between beat refreshes of the shared For you fallback set."
)
MESSAGING_SEND_PER_MINUTE = env_int(
    "MESSAGING_SEND_PER_MINUTE", 30, "Direct messages one member may send a minute (429 above)."
)
MESSAGING_NEW_RECIPIENTS_PER_DAY = env_int(
    "MESSAGING_NEW_RECIPIENTS_PER_DAY",
    20,
    "New people one member may start direct-message threads with a day (429 above).",
)
MESSAGING_REQUEST_MESSAGES_MAX = env_int(
    "MESSAGING_REQUEST_MESSAGES_MAX",
    3,
    "Messages a sender may send into a thread while a recipient has not accepted the request (429 above).",
)
MESSAGING_GROUP_MAX = env_int(
    "MESSAGING_GROUP_MAX", 10, "Most members of a group thread, its creator included."
)
FEED_SOURCE_LIMIT = env_int("FEED_SOURCE_LIMIT", 300, "Candidates each source may contribute to one ranking.")
FEED_SOURCE_WINDOW_H = env_int(
    "FEED_SOURCE_WINDOW_H", 72, "Hours back the recency-bound candidate sources look."
)
FEED_W_REMIX = env_float(
    "FEED_W_REMIX", 4.0, "Score weight of remixes per view (the strongest creation signal)."
)
FEED_W_INSPIRED = env_float(
    "FEED_W_INSPIRED",
    3.0,
    "Score weight of creations published by viewers within a day of viewing, per view.",
)
FEED_W_LIKE = env_float("FEED_W_LIKE", 1.0, "Score weight of likes per view.")
FEED_W_COMMENT = env_float("FEED_W_COMMENT", 1.5, "Score weight of comments per view.")
FEED_W_FRESH = env_float(
    "FEED_W_FRESH", 1.0, "Score weight of freshness (1 when new, halving every half-life)."
)
FEED_FRESH_HALF_LIFE_H = env_float(
    "FEED_FRESH_HALF_LIFE_H", 12.0, "Hours in which the freshness term halves."
)
FEED_VIEW_PRIOR = env_int(
    "FEED_VIEW_PRIOR",
    20,
    "Views added to every post's denominator, so a post with 1 view and 1 like is not a hit.",
)
FEED_W_FOLLOW = env_float("FEED_W_FOLLOW", 0.5, "Score bonus for posts by people the viewer follows.")
FEED_W_PREFERENCE = env_float(
    "FEED_W_PREFERENCE", 1.0, "Score weight of the cosine match with the viewer's free-text preference."
)
FEED_W_AFFINITY = env_float(
    "FEED_W_AFFINITY", 0.5, "Score weight of the viewer's author and topic weights (moved by more/less)."
)
FEED_STEER_STEP = env_float("FEED_STEER_STEP", 1.0, "How far one more/less moves an author or topic weight.")
FEED_STEER_LIMIT = env_float("FEED_STEER_LIMIT", 5.0, "Largest absolute author or topic weight.")
FEED_AUTHOR_DECAY = env_float(
    "FEED_AUTHOR_DECAY",
    0.5,
    "Score multiplier for each further post by an author already placed (diversity).",
)
FEED_NEW_CREATOR_SHARE = env_float(
    "FEED_NEW_CREATOR_SHARE",
    0.2,
    "Share of For you slots reserved for new creators when they have candidates.",
)
FEED_NEW_CREATOR_DAYS = env_int(
    "FEED_NEW_CREATOR_DAYS", 14, "Days after joining during which a member counts as new."
)
FEED_VIEW_WINDOW_H = env_int(
    "FEED_VIEW_WINDOW_H", 24, "Hours after a view in which the viewer's new post counts as inspired by it."
)

# --- request and media limits ---

API_MAX_JSON_BYTES = env_int(
    "API_MAX_JSON_BYTES",
    1024 * 1024,
    "Largest request body outside the upload endpoints, in bytes (413 payload_too_large above).",
)
CAMEOS_RECORDING_MAX_PIXELS = env_int(
    "CAMEOS_RECORDING_MAX_PIXELS",
    1920 * 1080,
    "Largest frame (width × height) of an enrolment recording (1080p either way up).",
)
CAMEOS_RECORDING_MAX_FRAMES = env_int(
    "CAMEOS_RECORDING_MAX_FRAMES", 900, "Most video frames decoded from one enrolment recording."
)
CAMEOS_DECODE_TIMEOUT_S = env_float(
    "CAMEOS_DECODE_TIMEOUT_S", 60.0, "Wall-clock seconds a worker may spend decoding one enrolment recording."
)
CAMEOS_VERIFY_MAX_ATTEMPTS = env_int(
    "CAMEOS_VERIFY_MAX_ATTEMPTS",
    3,
    "Verification attempts (first run and reconciler re-sends) before a cameo is rejected as processing_failed.",
)
