"""The public open-data page and its 360Giving downloads (no sign-in: the data is published)."""

from decimal import Decimal

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render

from sendfund.core.money import format_pounds

from . import opendata

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def open_data(request):
    package = opendata.grants_package()
    grants = package["grants"]
    total = sum((Decimal(str(g["amountAwarded"])) for g in grants), Decimal(0))
    return render(request, "reports/open_data.html", {
        "grants": grants, "grant_count": len(grants), "total_awarded": format_pounds(total),
        "last_changed": opendata.last_changed(package), "licence_url": opendata.LICENCE_URL,
        "prefix": settings.SENDFUND_360G_PREFIX,
    })


def _download(content, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def giving_json(request):
    return _download(opendata.package_json(opendata.grants_package()), "application/json; charset=utf-8",
                     "360giving.json")


def giving_xlsx(request):
    return _download(opendata.package_xlsx(opendata.grants_package()), XLSX, "360giving.xlsx")
