"""Django settings, read from the environment so one build runs embedded (SQLite) or scaled out (PostgreSQL)."""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from govshare.mounting.storage import mounted_files_storage_config

BASE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DATA_DIR = Path(os.environ.get("GOVSHARE_DATA_DIR", Path.cwd() / "data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _key_from_env_or_data_dir(env_name: str, file_name: str, make) -> str:
    """The key in the environment variable, else one generated once and kept (mode 600) in the data directory:
    it must outlive the process but never enter the repository."""
    key = os.environ.get(env_name)
    if key:
        return key
    key_file = DATA_DIR / file_name
    if not key_file.exists():
        key_file.write_text(make())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _key_from_env_or_data_dir("GOVSHARE_SECRET_KEY", "secret_key", lambda: secrets.token_urlsafe(50))
# The audit log's seals are HMAC-SM3 under this key, kept apart from SECRET_KEY.
GOVSHARE_AUDIT_SEAL_KEY = _key_from_env_or_data_dir(
    "GOVSHARE_AUDIT_SEAL_KEY", "audit_seal_key", lambda: secrets.token_hex(32)
)
DEBUG = env_bool("GOVSHARE_DEBUG", False)
ALLOWED_HOSTS = env_list("GOVSHARE_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("GOVSHARE_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "govshare.core",
    "govshare.organizations",
    "govshare.users",
    "govshare.workdays",
    "govshare.catalog",
    "govshare.audit",
    "govshare.datastore",
    "govshare.mounting",
    "govshare.sharing",
    "govshare.delivery",
    "govshare.objections",
    "govshare.notifications",
    "govshare.inventory",
    "govshare.zombies",
    "govshare.projects",
    "govshare.supervision",
    "govshare.serviceitems",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "govshare.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "govshare.core.middleware.RequestContextMiddleware",
    "govshare.core.middleware.SecurityHeadersMiddleware",
    # Last, so a locked-out login is refused before any view code runs.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "govshare.urls"
WSGI_APPLICATION = "govshare.wsgi.application"

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
                "govshare.core.context_processors.platform",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'govshare.sqlite3'}",
        conn_max_age=int(os.environ.get("GOVSHARE_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run while the importer writes; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "users.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "govshare.users.validators.CharacterClassValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Lockout (django-axes): five failures lock the account for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("GOVSHARE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "users/locked_out.html"
AXES_VERBOSE = False
# Lock the account, not the address: offices share one NAT address, and 等保 asks for per-account lockout.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("GOVSHARE_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    # Mounted files (文件挂接): the data dir, or S3-compatible storage when GOVSHARE_S3_BUCKET is set.
    "mounted_files": mounted_files_storage_config(os.environ, DATA_DIR),
}
GOVSHARE_FILE_MAX_BYTES = int(os.environ.get("GOVSHARE_FILE_MAX_BYTES", str(500 * 1024 * 1024)))
MEDIA_ROOT = DATA_DIR / "media"
WHITENOISE_USE_FINDERS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
GOVSHARE_MAX_UPLOAD_BYTES = int(os.environ.get("GOVSHARE_MAX_UPLOAD_BYTES", str(100 * 1024 * 1024)))

# Security by default: cookies not readable by scripts, same-site, no framing, no sniffing.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_SECURE = env_bool("GOVSHARE_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["GOVSHARE_REDIS_URL"]}
        if os.environ.get("GOVSHARE_REDIS_URL")
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "govshare.users.authentication.APITokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "govshare.core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "govshare.core.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"anon": "60/min", "user": "6000/min"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "govshare API",
    "DESCRIPTION": "政务信息资源共享交换平台 REST API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Fields named alike with different choices need a name each (service item materials vs usage figures).
    "ENUM_NAME_OVERRIDES": {
        "MaterialSourceEnum": "govshare.serviceitems.choices.MaterialSourceChoices.values",
        "UsageSourceEnum": "govshare.inventory.choices.UsageSourceChoices.values",
        "CalendarSourceEnum": "govshare.workdays.choices.CalendarSourceChoices.choices",
    },
}

# Background jobs: Celery. Production sets GOVSHARE_BROKER_URL to Redis and runs workers on any machine;
# the embedded default uses Celery's filesystem transport in the data directory, so no extra service.
CELERY_BROKER_URL = os.environ.get("GOVSHARE_BROKER_URL", "filesystem://")
_broker_dir = DATA_DIR / "broker"
_broker_dir.mkdir(exist_ok=True)
CELERY_BROKER_TRANSPORT_OPTIONS = (
    {"data_folder_in": str(_broker_dir), "data_folder_out": str(_broker_dir), "processed_folder": str(_broker_dir)}
    if CELERY_BROKER_URL.startswith("filesystem")
    else {}
)
CELERY_TASK_ALWAYS_EAGER = env_bool("GOVSHARE_TASKS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
# Periodic jobs, run by the worker's embedded beat in the default setup (`govshare serve`) and by one beat process
# in production. Each task lives in its app's tasks.py.
CELERY_BEAT_SCHEDULE = {
    "audit-chain": {"task": "govshare.audit.tasks.chain_pending", "schedule": 5.0},
    "audit-seal": {"task": "govshare.audit.tasks.seal_chain", "schedule": 3600.0},
    "sharing-deadlines": {"task": "govshare.sharing.tasks.check_deadlines", "schedule": 3600.0},
    "objections-deadlines": {"task": "govshare.objections.tasks.check_deadlines", "schedule": 3600.0},
    "mounting-timeliness": {"task": "govshare.mounting.tasks.check_timeliness", "schedule": 3600.0},
    "mounting-pulls": {"task": "govshare.mounting.tasks.run_due_pulls", "schedule": 60.0},
    "zombies-detect": {"task": "govshare.zombies.tasks.detect_zombies", "schedule": 86400.0},
    "datastore-stale-loads": {"task": "govshare.datastore.tasks.mark_stale_loads_task", "schedule": 300.0},
    "supervision-reminders": {"task": "govshare.supervision.tasks.remind_due_tasks", "schedule": 86400.0},
}

# The catalogue code separator between the classification part and the sequence number (commonly "/").
GOVSHARE_CODE_SEPARATOR = os.environ.get("GOVSHARE_CODE_SEPARATOR", "/")
GOVSHARE_PLATFORM_NAME = os.environ.get("GOVSHARE_PLATFORM_NAME", "政务信息资源共享交换平台")
GOVSHARE_CATALOG_UPDATE_DAYS = int(os.environ.get("GOVSHARE_CATALOG_UPDATE_DAYS", "15"))
# Mounted tables (datastore): the largest file a load accepts, rows per written chunk (progress granularity), and
# how long a running load may stay silent before it is taken as dead.
GOVSHARE_MOUNT_MAX_BYTES = int(os.environ.get("GOVSHARE_MOUNT_MAX_BYTES", str(2 * 1024**3)))
GOVSHARE_MOUNT_CHUNK_ROWS = int(os.environ.get("GOVSHARE_MOUNT_CHUNK_ROWS", "100000"))
GOVSHARE_MOUNT_STALE_SECONDS = int(os.environ.get("GOVSHARE_MOUNT_STALE_SECONDS", "1800"))
# Seconds a data-plane bearer token (POST /api/v1/exchange/token) stays valid.
GOVSHARE_EXCHANGE_TOKEN_TTL = int(os.environ.get("GOVSHARE_EXCHANGE_TOKEN_TTL", "7200"))
# Objections (疑义/纠错): working days the provider has to answer, days of warning before the deadline, and the
# size limit of each evidence attachment (kept under the data dir).
GOVSHARE_OBJECTION_ANSWER_DAYS = int(os.environ.get("GOVSHARE_OBJECTION_ANSWER_DAYS", "5"))
GOVSHARE_OBJECTION_REMIND_DAYS = int(os.environ.get("GOVSHARE_OBJECTION_REMIND_DAYS", "1"))
GOVSHARE_OBJECTION_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("GOVSHARE_OBJECTION_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("GOVSHARE_LOG_LEVEL", "WARNING")},
    "loggers": {"jieba": {"level": "WARNING"}},
}
