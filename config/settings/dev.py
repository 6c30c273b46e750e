"""Local development and `make demo`: SQLite unless DATABASE_URL is set, console email, tasks run at once."""

from .base import *  # noqa: F403

DEBUG = True
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
