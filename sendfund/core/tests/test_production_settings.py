"""The production settings over plain HTTP on loopback (README, "Running the production settings locally")."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
BASE = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "check", "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
        "EMAIL_HOST": "127.0.0.1"}
READ = ("from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS)")


def _settings(**env):
    return subprocess.run([sys.executable, "-c", f"import django; django.setup(); {READ}"], cwd=ROOT,
                          env={**BASE, **env}, capture_output=True, text=True)


def test_production_is_https_only_unless_run_locally_on_loopback():
    assert _settings(DJANGO_ALLOWED_HOSTS="send.example.gov.uk").stdout.split() == ["True", "True", "True", "31536000"]
    local = _settings(DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost", SENDFUND_LOCAL_HTTP="true")
    assert local.stdout.split() == ["False", "False", "False", "0"]
    refused = _settings(DJANGO_ALLOWED_HOSTS="send.example.gov.uk", SENDFUND_LOCAL_HTTP="true")
    assert refused.returncode != 0 and "only for checks on loopback" in refused.stderr


def test_production_with_notify_needs_its_key_and_templates():
    refused = _settings(DJANGO_ALLOWED_HOSTS="send.example.gov.uk", SENDFUND_EMAIL_DELIVERY="notify")
    assert refused.returncode != 0 and "SENDFUND_NOTIFY_API_KEY" in refused.stderr
    ok = _settings(DJANGO_ALLOWED_HOSTS="send.example.gov.uk", SENDFUND_EMAIL_DELIVERY="notify",
                   SENDFUND_NOTIFY_API_KEY="key", SENDFUND_NOTIFY_TEMPLATES="default=abc")
    assert ok.returncode == 0, ok.stderr
