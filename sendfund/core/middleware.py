import time

from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware


class AssetsWhiteNoiseMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, plus GOV.UK Frontend's fonts and images at /assets/..., where its CSS asks for them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_files(str(settings.GOVUK_ASSETS_DIR), prefix="assets/")


# A signed-in session is written again (moving its expiry on) at most this often; SESSION_COOKIE_AGE
# stays the idle timeout, give or take this much.
SESSION_REFRESH_SECONDS = 300
_TOUCHED = "_sendfund_touched_at"


def session_seconds_left(request, *, now: float | None = None) -> int:
    """Seconds until a signed-in user's session ends if they do nothing (the page's timeout warning)."""
    now = time.time() if now is None else now
    touched = request.session.get(_TOUCHED, now)
    return max(0, int(settings.SESSION_COOKIE_AGE - (now - touched)))


class SessionRefreshMiddleware:
    """Keeps the idle timeout without writing the session on every request.

    Django's SESSION_SAVE_EVERY_REQUEST writes the session row on every signed-in request (three
    queries and a write lock each time). Instead, a signed-in request rewrites the session only when
    the last write is older than SESSION_REFRESH_SECONDS; SessionMiddleware then saves it with a new
    expiry. Must come after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            touched = request.session.get(_TOUCHED)
            if touched is None or now - touched >= SESSION_REFRESH_SECONDS:
                request.session[_TOUCHED] = now
        return self.get_response(request)


class NoStoreMiddleware:
    """Nothing a signed-in user sees, and no download, is kept by the browser or a shared cache.

    A page left in the browser's history or a proxy's cache would show case details, amounts or a
    cluster's figures to the next person at the computer after sign-out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        if signed_in or response.has_header("Content-Disposition"):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
