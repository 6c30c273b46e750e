from .middleware import session_seconds_left
from .navigation import navigation_for


def service(request):
    user = getattr(request, "user", None)
    signed_in = bool(user and user.is_authenticated)
    return {
        "service_navigation": navigation_for(request),
        "session_seconds": session_seconds_left(request) if signed_in else 0,
    }
