from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware


class AssetsWhiteNoiseMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, plus GOV.UK Frontend's fonts and images at /assets/..., where its CSS asks for them."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_files(str(settings.GOVUK_ASSETS_DIR), prefix="assets/")
