"""Settings shared by every environment. Environment reads go through config.env."""

from config.env import BASE_DIR, database_config, env_bool, env_dict, env_int, env_list, env_str

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_forms_gds",
    "axes",
    "django_tasks_db",
    # SendFund apps, lowest layer first (see docs/adr/0002-layers-and-scoping.md)
    "sendfund.core",
    "sendfund.accounts",
    "sendfund.registry",
    "sendfund.formula",
    "sendfund.funds",
    "sendfund.applications",
    "sendfund.casework",
    "sendfund.monitoring",
    "sendfund.reports",
    "sendfund.api",
    "ninja",  # the API's documentation pages, served from its own static files
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "sendfund.core.middleware.AssetsWhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sendfund.core.middleware.SessionRefreshMiddleware",
    "sendfund.core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "sendfund.core.middleware.KeptAnswersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Templates that replace a library's own (crispy-forms-gds's error summary): searched before the apps'.
        "DIRS": [BASE_DIR / "sendfund" / "core" / "template_overrides"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "sendfund.core.context_processors.service",
                "sendfund.registry.context_processors.council",
            ],
            "builtins": ["sendfund.core.templatetags.sendfund"],
        },
    }
]

DATABASES = {"default": database_config(BASE_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "sendfund.accounts.backends.EmailBackend"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:signed-out"

# Lock an account (by username and address) after 5 failures, for 30 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Behind the production proxy the lockout counts each client's real address, not the proxy's:
# SENDFUND_TRUSTED_PROXIES is how many reverse proxies in front of the site append to X-Forwarded-For.
SENDFUND_TRUSTED_PROXIES = env_int("SENDFUND_TRUSTED_PROXIES", 0)
AXES_CLIENT_IP_CALLABLE = "sendfund.core.client_ip.client_ip"

SESSION_COOKIE_AGE = 60 * 60 * 2  # two hours; the page warns before sign-out
SESSION_SAVE_EVERY_REQUEST = False  # sendfund.core.middleware.SessionRefreshMiddleware keeps the idle timeout
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [("govuk", BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk")]
# GOV.UK Frontend's CSS asks for its fonts and images at /assets/...
GOVUK_ASSETS_DIR = BASE_DIR / "node_modules" / "govuk-frontend" / "dist" / "govuk" / "assets"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploads live outside the static files and are served only through views that check access.
MEDIA_ROOT = env_str("SENDFUND_MEDIA_ROOT", str(BASE_DIR / "var" / "uploads"))
# Nothing serves this URL: uploads are sent only by views that check access. (Django needs a value.)
MEDIA_URL = "/_uploads_are_never_served_directly/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"
# crispy-forms-gds styles only text, email and password inputs: numbers, dates, times and links are GOV.UK
# inputs too (without this they render as small unstyled browser boxes).
CRISPY_CLASS_CONVERTERS = {"numberinput": "govuk-input", "dateinput": "govuk-input", "timeinput": "govuk-input",
                           "urlinput": "govuk-input", "datetimeinput": "govuk-input"}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("SENDFUND_FROM_EMAIL", "send-cluster-funding@norfolk.example")
# Where people get help: shown on the help, accessibility, privacy and error pages (each council sets its own).
SENDFUND_HELP_EMAIL = env_str("SENDFUND_HELP_EMAIL", DEFAULT_FROM_EMAIL)
SENDFUND_HELP_PHONE = env_str("SENDFUND_HELP_PHONE", "")
SENDFUND_DPO_EMAIL = env_str("SENDFUND_DPO_EMAIL", "")
SENDFUND_SITE_URL = env_str("SENDFUND_SITE_URL", "http://127.0.0.1:8000")
# The prefix of grant ids in the 360Giving open data; register your own with 360Giving before publishing.
SENDFUND_360G_PREFIX = env_str("SENDFUND_360G_PREFIX", "360G-SENDFUND")

# Email leaves through the outbox (docs/adr/0030-email-outbox.md): "smtp" (the default mailer above) or
# "notify" (GOV.UK Notify: an API key, and template ids by email name with a "default" for the rest).
SENDFUND_EMAIL_DELIVERY = env_str("SENDFUND_EMAIL_DELIVERY", "smtp")
if SENDFUND_EMAIL_DELIVERY not in ("smtp", "notify"):
    raise RuntimeError("SENDFUND_EMAIL_DELIVERY must be smtp or notify.")
SENDFUND_NOTIFY_API_KEY = env_str("SENDFUND_NOTIFY_API_KEY", "")
SENDFUND_NOTIFY_BASE_URL = env_str("SENDFUND_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
SENDFUND_NOTIFY_TEMPLATES = env_dict("SENDFUND_NOTIFY_TEMPLATES")
# A restored copy starts with this set, so it sends nothing until `manage.py notifications_hold` has run.
SENDFUND_EMAIL_PAUSED = env_bool("SENDFUND_EMAIL_PAUSED", False)
SENDFUND_EMAIL_DOMAIN = DEFAULT_FROM_EMAIL.rpartition("@")[2] or "sendfund.local"

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Counts from 1 to this number are suppressed in aggregate reports (domain.md section 4.4).
SENDFUND_SMALL_NUMBER_SUPPRESSION = 4

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # One line per task run is noise at the console; failures still show.
    "loggers": {"django.tasks": {"handlers": ["console"], "level": "WARNING", "propagate": False}},
}

# The REST API (sendfund/api): pages of at most 100, and offsets a database can hold.
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 100
NINJA_PAGINATION_MAX_OFFSET = 10_000_000
