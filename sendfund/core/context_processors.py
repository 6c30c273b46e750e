from django.conf import settings

from .middleware import session_seconds_left
from .navigation import navigation_for

# Every page's <title> is its h1, then this (base.html; the title walker in tests/ checks it).
SERVICE_NAME = "SEND cluster funding"  # the council is named in the header (registry.context_processors)


def contact() -> dict:
    """Where people get help, from settings only (the error page uses it when the database may be down)."""
    return {"email": settings.SENDFUND_HELP_EMAIL, "phone": settings.SENDFUND_HELP_PHONE,
            "dpo_email": settings.SENDFUND_DPO_EMAIL}


def service(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "service_navigation": navigation_for(request),
        "service_name": SERVICE_NAME,
        "contact": contact(),
        "session_seconds": session_seconds_left(request) if signed_in else 0,
    }
