"""Local development and `make demo`: SQLite unless DATABASE_URL is set, console email, tasks run at once.

DEBUG is off unless DJANGO_DEBUG=true, so the demo answers a wrong address or a failure with the
service's own GOV.UK error pages (404, 403, 500), as people will meet them, and never with Django's
technical page (which also shows settings and code). Errors still print their traceback on the
console. Without DEBUG, runserver serves no static files: WhiteNoise (in the middleware already)
serves them straight from the apps and node_modules, with no collectstatic, re-reading them as
they change.
"""

from config.env import env_bool

from .base import *  # noqa: F403

DEBUG = env_bool("DJANGO_DEBUG", False)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
