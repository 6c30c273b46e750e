"""Production: PostgreSQL, gunicorn behind a TLS proxy, SMTP, the database task worker.

Refuses to start without its secrets (house rule 14).
"""

from config.env import database_config, env_bool, env_list, env_str

from .base import *  # noqa: F403
from .base import BASE_DIR

DEBUG = False
SECRET_KEY = env_str("DJANGO_SECRET_KEY", required=True)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise RuntimeError("Set DJANGO_ALLOWED_HOSTS (comma-separated host names).")
env_str("DATABASE_URL", required=True)
DATABASES = {"default": database_config(BASE_DIR / "unused.sqlite3")}
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True

# Checking the production configuration on one's own machine, over plain HTTP (README, "Running the
# production settings locally"): allowed only when every allowed host is the loopback interface.
if env_bool("SENDFUND_LOCAL_HTTP", False):
    if not set(ALLOWED_HOSTS) <= {"127.0.0.1", "localhost", "[::1]", "::1"}:
        raise RuntimeError("SENDFUND_LOCAL_HTTP is only for checks on loopback: DJANGO_ALLOWED_HOSTS must be "
                           "127.0.0.1 or localhost.")
    SECURE_SSL_REDIRECT = False
    SESSION_COOKIE_SECURE = False
    CSRF_COOKIE_SECURE = False
    SECURE_HSTS_SECONDS = 0
    SECURE_HSTS_INCLUDE_SUBDOMAINS = False

if SENDFUND_EMAIL_DELIVERY == "notify":  # noqa: F405
    env_str("SENDFUND_NOTIFY_API_KEY", required=True)
    if not SENDFUND_NOTIFY_TEMPLATES:  # noqa: F405
        raise RuntimeError("Set SENDFUND_NOTIFY_TEMPLATES (name=template-id, at least default=template-id).")

MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env_str("EMAIL_HOST", "localhost", required=SENDFUND_EMAIL_DELIVERY == "smtp"),  # noqa: F405
            "port": int(env_str("EMAIL_PORT", "587")),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", True),
            "timeout": 30,
        },
    }
}

LOGGING["root"]["level"] = env_str("DJANGO_LOG_LEVEL", "INFO")  # noqa: F405
