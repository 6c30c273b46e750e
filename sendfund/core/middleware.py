import time
from urllib.parse import urlparse

from django.conf import settings
from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import resolve_url
from django.utils.datastructures import MultiValueDict
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


class KeptAnswersMiddleware:
    """A form sent after the session has ended keeps its answers (issue: session expiry keeps typed answers).

    When a signed-out POST is sent to sign-in (the session ran out while the user typed), its fields are
    kept in the new, anonymous session with the id of the user who last used this browser (a signed
    cookie). Once that same user has signed in and is back at the form's address, the kept answers are
    sent again as the POST they were, so Continue does what it would have done; the page then shows any
    errors in the usual way. Kept answers go to nobody else and are dropped on any other page.

    The replay skips the CSRF check: the answers come from our own session store, bound to the signed-in
    user, and were only kept after passing that check when first sent. Files are not kept.
    """

    SESSION_KEY = "sendfund_kept_answers"
    USER_COOKIE = "sendfund_last_user"
    USER_COOKIE_SALT = "sendfund.kept-answers"
    USER_COOKIE_AGE = 60 * 60 * 24 * 7
    MAX_CHARS = 200_000

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        replayed = self._replay(request)
        response = self.get_response(request)
        if not replayed:
            self._keep(request, response)
        self._remember_user(request, response)
        return response

    def _replay(self, request) -> bool:
        user = getattr(request, "user", None)
        if not (user and user.is_authenticated) or self.SESSION_KEY not in request.session:
            return False
        kept = request.session.pop(self.SESSION_KEY)
        if request.method != "GET" or kept.get("path") != request.path or kept.get("user") != str(user.pk):
            return False
        data = QueryDict(mutable=True)
        for name, values in kept["data"].items():
            data.setlist(name, values)
        request.method = "POST"
        request._post, request._files = data, MultiValueDict()
        request._dont_enforce_csrf_checks = True
        messages.info(request, "You were signed out before your answers were sent. We kept them and have sent them now.")
        return True

    def _keep(self, request, response) -> None:
        if request.method != "POST" or request.user.is_authenticated or response.status_code not in (301, 302, 303):
            return
        if urlparse(response["Location"]).path != urlparse(resolve_url(settings.LOGIN_URL)).path:
            return
        user = request.get_signed_cookie(self.USER_COOKIE, default=None, salt=self.USER_COOKIE_SALT)
        data = {name: values for name, values in request.POST.lists() if name != "csrfmiddlewaretoken"}
        if user is None or not data or sum(len(v) for values in data.values() for v in values) > self.MAX_CHARS:
            return
        request.session[self.SESSION_KEY] = {"path": request.path, "user": user, "data": data}
        messages.info(request, "You were signed out because you had not done anything for a while. "
                               "Sign in again and we will send the answers you typed.")

    def _remember_user(self, request, response) -> None:
        user = getattr(request, "user", None)
        if not (user and user.is_authenticated):
            return
        if request.get_signed_cookie(self.USER_COOKIE, default=None, salt=self.USER_COOKIE_SALT) != str(user.pk):
            response.set_signed_cookie(self.USER_COOKIE, str(user.pk), salt=self.USER_COOKIE_SALT,
                                       max_age=self.USER_COOKIE_AGE, httponly=True, samesite="Lax",
                                       secure=settings.SESSION_COOKIE_SECURE)
