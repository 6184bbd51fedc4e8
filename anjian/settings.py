"""Settings for Anjian, read from the environment (twelve-factor).

Defaults give the embedded set-up: SQLite (WAL) under ./var, no Redis, huey on SQLite, DEBUG
off. A local installation (`make demo`) keeps its own random secret key in var/secret_key and
sets ANJIAN_PLAIN_HTTP=1 (served over plain HTTP on this machine). Production sets
DATABASE_URL (PostgreSQL), REDIS_URL, SECRET_KEY and ALLOWED_HOSTS. Development sets DEBUG=1.
"""

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from anjian import config

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = config.default_var_dir()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Off unless asked for: DEBUG pages list every URL pattern and show settings and stack traces.
DEBUG = env_bool("DEBUG", False)
# Served over plain HTTP on this machine or its LAN (the demo): no HTTPS redirect, no
# Secure-only cookies, no HSTS; the loopback names are always allowed.
PLAIN_HTTP = env_bool("ANJIAN_PLAIN_HTTP", False)
SECRET_KEY = config.secret_key(os.environ, VAR_DIR, debug=DEBUG)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
if PLAIN_HTTP:
    ALLOWED_HOSTS += [h for h in ("127.0.0.1", "localhost", "[::1]") if h not in ALLOWED_HOSTS]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "huey.contrib.djhuey",
    "anjian.core",
    "anjian.regions",
    "anjian.orgs",
    "anjian.enterprises",
    "anjian.standards",
    "anjian.hazards",
    "anjian.inspections",
    "anjian.accidents",
    "anjian.risks",
    "anjian.majorhazards",
    "anjian.monitoring",
    "anjian.steering",
    "anjian.enforcement",
    "anjian.obligations",
    "anjian.credit",
    "anjian.emergency",
    "anjian.occupational",
    "anjian.public",
    "anjian.security",
    "anjian.alerts",
    "anjian.assessment",
    "anjian.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "anjian.security.middleware.IdleTimeoutMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "anjian.urls"
WSGI_APPLICATION = "anjian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "anjian.portal.context_processors.navigation",
                "anjian.alerts.context_processors.warnings_badge",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'anjian.sqlite3'}"
DATABASES = {"default": config.parse_database(config.database_url(os.environ, DEFAULT_SQLITE), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compilation costs 100-550 ms on the statistics and warning queries and never paid it
    # back in measurement (bench/README.md); short OLTP-style queries do not need it either.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The hazard statistics index is a PostgreSQL covering index (INCLUDE) that its migration
    # does not create on SQLite; Django's check would still warn on every command.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets the worker and the web process read while the other writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and task queue ------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    HUEY = {"huey_class": "huey.RedisHuey", "name": "anjian", "url": REDIS_URL, "immediate": False}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "anjian",
        "filename": str(VAR_DIR / "huey.sqlite3"),
        "immediate": env_bool("HUEY_IMMEDIATE", False),
    }

# /readyz fails when no worker has beaten its heartbeat (every minute) for this many seconds.
ANJIAN_WORKER_HEARTBEAT_MAX_AGE = int(os.environ.get("ANJIAN_WORKER_HEARTBEAT_MAX_AGE", "180"))

# --- Auth ---------------------------------------------------------------------------
AUTH_USER_MODEL = "orgs.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Lockout: after AXES_FAILURE_LIMIT failures for one username+IP, wait AXES_COOLOFF_HOURS.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# Behind a reverse proxy, set AXES_PROXY_COUNT (e.g. 1) so the client's address is read from
# X-Forwarded-For; otherwise every client would share the proxy's address.
if os.environ.get("AXES_PROXY_COUNT"):
    AXES_IPWARE_PROXY_COUNT = int(os.environ["AXES_PROXY_COUNT"])
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# --- I18n ---------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every start when it is missing
MEDIA_URL = "media/"
# Uploads: ANJIAN_MEDIA_ROOT (a directory shared by every server, e.g. an NFS mount) or another
# storage class (ANJIAN_STORAGE_BACKEND / ANJIAN_STORAGE_OPTIONS); see config.media_storage.
MEDIA_ROOT, _DEFAULT_STORAGE = config.media_storage(os.environ, VAR_DIR)
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# With DEBUG off, pages name the hashed files of the manifest that `anjian collectstatic`
# writes into STATIC_ROOT (`make demo` runs it before serving); WhiteNoise serves them with
# far-future caching. With DEBUG on, files are served straight from the apps' static folders.
WHITENOISE_USE_FINDERS = DEBUG

# --- REST API -----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_PARSER_CLASSES": [
        "anjian.core.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "anjian.security.auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "anjian.core.filters.StableOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "anjian.core.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "anjian.core.api.exception_handler",
}
# An empty choice in a filter bar reads "—" like the platform's other selects, not django-filter's "---------".
FILTERS_EMPTY_CHOICE_LABEL = "—"

SPECTACULAR_SETTINGS = {
    "TITLE": "Anjian API",
    "DESCRIPTION": "Work-safety supervision platform (安监). Every collection is scoped to the caller's jurisdiction.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per shared choice set (the GB/T 13861 classes appear as `category`, `hazard_factor`, `top`).
    "ENUM_NAME_OVERRIDES": {"HazardFactorEnum": "anjian.standards.choices.HazardFactor",
                            "CertaintyEnum": "anjian.standards.choices.Certainty",
                            "EnforcementCertaintyEnum": "anjian.enforcement.choices.Certainty",
                            # the office's decisions on a report (steering): two fields may share a set
                            "CloseOrReturnEnum": [("close", "close"), ("return", "return")],
                            "AcceptOrReturnEnum": [("accept", "accept"), ("return", "return")]},
    # The error answers of every operation (400/401/403/404/409/429), stated once: core/schema.py.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "anjian.core.schema.add_error_responses"],
}

# --- Security (production) ----------------------------------------------------------
if not DEBUG:
    if not PLAIN_HTTP:
        SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
        SESSION_COOKIE_SECURE = True
        CSRF_COOKIE_SECURE = True
        SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
        SECURE_HSTS_INCLUDE_SUBDOMAINS = True
        SECURE_HSTS_PRELOAD = True
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"
# A refused form (missing or stale CSRF token) gets the product's page, not Django's.
CSRF_FAILURE_VIEW = "anjian.core.views_errors.csrf_failure"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Domain settings ----------------------------------------------------------------
ANJIAN_PAGE_SIZE = 50
ANJIAN_IMPORT_MAX_ROWS = int(os.environ.get("ANJIAN_IMPORT_MAX_ROWS", "200000"))
# An upload is untrusted: bounds on what an import decompresses and holds (core.xlsx).
ANJIAN_IMPORT_MAX_XML_MB = int(os.environ.get("ANJIAN_IMPORT_MAX_XML_MB", "256"))
ANJIAN_IMPORT_MAX_ROW_KB = int(os.environ.get("ANJIAN_IMPORT_MAX_ROW_KB", "2048"))
# Public address of the site (e.g. https://anjian.example.gov.cn), used in QR codes on printed documents.
ANJIAN_BASE_URL = os.environ.get("ANJIAN_BASE_URL", "")

# --- Warnings (预警) ------------------------------------------------------------------
# Thresholds of the warning rules, in days (read at every scan, see anjian/hazards/rules.py).
ANJIAN_WARN_ACCEPTANCE_DAYS = int(os.environ.get("ANJIAN_WARN_ACCEPTANCE_DAYS", "7"))
ANJIAN_WARN_PLAN_DAYS = int(os.environ.get("ANJIAN_WARN_PLAN_DAYS", "3"))
ANJIAN_WARN_DUAL_REPORT_DAYS = int(os.environ.get("ANJIAN_WARN_DUAL_REPORT_DAYS", "7"))
# How often (hours) an open warning's "last confirmed at" is rewritten; 0 = at every scan.
ANJIAN_WARN_SEEN_REFRESH_HOURS = int(os.environ.get("ANJIAN_WARN_SEEN_REFRESH_HOURS", "24"))
# Indicators and the wall (assessment): days a warning may stay open before it counts as overdue
# (our rule, not a regulation), and how often the wall (大屏) reloads itself.
ANJIAN_WARNING_HANDLING_DAYS = int(os.environ.get("ANJIAN_WARNING_HANDLING_DAYS", "7"))
ANJIAN_WALL_REFRESH_SECONDS = int(os.environ.get("ANJIAN_WALL_REFRESH_SECONDS", "300"))
# The scan's schedule (crontab minute field of the periodic task): every 15 minutes.
ANJIAN_WARN_SCAN_MINUTES = os.environ.get("ANJIAN_WARN_SCAN_MINUTES", "*/15")
# 包保责任人 checks of major hazard sources: the period of the technical person's check
# ("at least quarterly", 应急厅〔2021〕12号 Art. 5) and of the operational person's (not confirmed:
# empty = no warning); days of grace at the start of each period.
ANJIAN_MH_TECHNICAL_CHECK_PERIOD = os.environ.get("ANJIAN_MH_TECHNICAL_CHECK_PERIOD", "quarter") or None
ANJIAN_MH_OPERATIONAL_CHECK_PERIOD = os.environ.get("ANJIAN_MH_OPERATIONAL_CHECK_PERIOD", "") or None
ANJIAN_MH_CHECK_GRACE_DAYS = int(os.environ.get("ANJIAN_MH_CHECK_GRACE_DAYS", "0"))

# --- Online monitoring (anjian/monitoring) --------------------------------------------
# The MQTT broker of the ingest (`anjian ingest_mqtt`) and of `anjian simulate_sensors`.
ANJIAN_MQTT_HOST = os.environ.get("ANJIAN_MQTT_HOST", "127.0.0.1")
ANJIAN_MQTT_PORT = int(os.environ.get("ANJIAN_MQTT_PORT", "1883"))
# The first level of the monitoring topics: <root>/<enterprise id>/<source id>/<sensor code>.
ANJIAN_MQTT_TOPIC_ROOT = os.environ.get("ANJIAN_MQTT_TOPIC_ROOT", "anjian")
# Days readings are kept (PostgreSQL: whole monthly partitions dropped). 总局令第40号 Art. 13 asks
# that the electronic records be kept at least 30 days (wording from secondary copies).
ANJIAN_MONITORING_RETENTION_DAYS = max(30, int(os.environ.get("ANJIAN_MONITORING_RETENTION_DAYS", "90")))
# SQLite (embedded) keeps only this recent window of raw readings; the rollups stay.
ANJIAN_MONITORING_SQLITE_WINDOW_DAYS = int(os.environ.get("ANJIAN_MONITORING_SQLITE_WINDOW_DAYS", "7"))
# Days the hourly rollups (the long trend charts) are kept.
ANJIAN_MONITORING_HOUR_ROLLUP_DAYS = int(os.environ.get("ANJIAN_MONITORING_HOUR_ROLLUP_DAYS", "1100"))

# --- Hazards -------------------------------------------------------------------------
# The person who accepts a hazard's rectification (验收) is not the person who submitted it (a
# separation of duties; no national article found that requires it, so it can be switched off per
# deployment, e.g. for one-person enterprises). See anjian/hazards/services.rectifier_may_not_accept.
ANJIAN_HAZARD_ACCEPTOR_DIFFERS = env_bool("ANJIAN_HAZARD_ACCEPTOR_DIFFERS", True)

# --- Accidents and calculators ---------------------------------------------------------
# Whether a casualty update after the 30-day (7-day road/fire) window changes the counted figures
# and the grade; off by default (the common reading, unconfirmed: REGULATIONS.md §1.3).
ANJIAN_ACCIDENT_COUNT_LATE_UPDATES = env_bool("ANJIAN_ACCIDENT_COUNT_LATE_UPDATES", False)
# Seconds a token's user is remembered per process by the two evaluate calculators (security/auth.py).
ANJIAN_TOKEN_CACHE_SECONDS = int(os.environ.get("ANJIAN_TOKEN_CACHE_SECONDS", "30"))

# --- PDF documents --------------------------------------------------------------------
# The TrueType (glyf) CJK font embedded, as a subset, in every PDF; empty = the first found of
# the known system paths (anjian/core/pdf.py). A .ttc collection takes ANJIAN_PDF_FONT_INDEX.
ANJIAN_PDF_FONT = os.environ.get("ANJIAN_PDF_FONT", "")
ANJIAN_PDF_FONT_INDEX = int(os.environ.get("ANJIAN_PDF_FONT_INDEX", "0"))

# --- Attachments ---------------------------------------------------------------------
# Largest single upload (photos, rectification evidence), in MB.
ANJIAN_UPLOAD_MAX_MB = int(os.environ.get("ANJIAN_UPLOAD_MAX_MB", "20"))

# --- Sessions, API tokens and the Content-Security-Policy (issue #12) ---------------------------
# A web session ends after this many minutes without a request (security.middleware), and in any
# case SESSION_COOKIE_AGE after sign-in.
ANJIAN_SESSION_IDLE_MINUTES = int(os.environ.get("ANJIAN_SESSION_IDLE_MINUTES", "30"))
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(12 * 3600)))
# API tokens (security.ApiToken) expire after this many days; rotate them with POST /api/auth/token/rotate/.
ANJIAN_API_TOKEN_DAYS = int(os.environ.get("ANJIAN_API_TOKEN_DAYS", "30"))

from csp.constants import NONCE, NONE, SELF  # noqa: E402

# Scripts only from our own origin or inline with the request's nonce; no plug-ins, no framing,
# forms post only to us. Style attributes stay allowed (templates use a few).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
