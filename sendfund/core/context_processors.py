from django.conf import settings

from .navigation import navigation_for


def service(request):
    return {
        "service_navigation": navigation_for(request),
        "session_seconds": settings.SESSION_COOKIE_AGE,
    }
