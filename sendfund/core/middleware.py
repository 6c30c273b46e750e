from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware


class AssetsWhiteNoiseMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, plus GOV.UK Frontend's fonts and images at /assets/..., where its CSS asks for them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_files(str(settings.GOVUK_ASSETS_DIR), prefix="assets/")


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
