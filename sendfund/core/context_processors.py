from django.conf import settings

from .navigation import navigation_for

# Every page's <title> is its h1, then this (base.html; the title walker in tests/ checks it).
SERVICE_NAME = "SEND cluster funding – Norfolk County Council"


def service(request):
    return {
        "service_navigation": navigation_for(request),
        "service_name": SERVICE_NAME,
        "session_seconds": settings.SESSION_COOKIE_AGE,
    }
