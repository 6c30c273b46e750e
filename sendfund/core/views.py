from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache

from .context_processors import contact


def start(request):
    """The start page; signed-in users go on to their own home page."""
    if request.user.is_authenticated:
        return redirect("accounts:home")
    return render(request, "core/start.html")


def help_page(request):
    return render(request, "core/help.html")


def accessibility(request):
    return render(request, "core/accessibility.html")


def privacy(request):
    return render(request, "core/privacy.html")


def cookies(request):
    return render(request, "core/cookies.html")


@never_cache
def healthz(request):
    """200 with JSON when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        return JsonResponse({"status": "unavailable", "database": "unreachable", "error": exc.__class__.__name__},
                            status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    """Rendered without context processors: the database may be the thing that failed."""
    return HttpResponseServerError(loader.get_template("500.html").render({"contact": contact()}))
