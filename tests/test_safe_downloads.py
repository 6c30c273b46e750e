"""Every page a signed-in user opens is no-store, and every CSV and Excel download of the project (found by
walking every URL) carries names as inert text, never a formula."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from sendfund.accounts.tests.access import ANONYMOUS
from sendfund.registry.models import Cluster, School
from tests.test_authorization import all_rules

HOSTILE_CLUSTER = '=HYPERLINK("http://x","y")'
HOSTILE_SCHOOL = "+cmd|' /C calc'!A0"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _pages(client_for, world):
    """(url, response) for every page of every access rule, opened by a signed-in user allowed there."""
    seen = set()
    for rule in all_rules():
        actors = sorted((a for a in rule.allowed if a != ANONYMOUS), key=str)
        if rule.method != "get" or not actors or rule.name.startswith("admin:"):
            continue
        names = [rule.kwargs(world)]
        if "fmt" in names[0]:
            names = [{**names[0], "fmt": fmt} for fmt in ("csv", "xlsx")]
        for kwargs in names:
            url = reverse(rule.name, kwargs=kwargs)
            if url in seen:
                continue
            seen.add(url)
            yield url, client_for(actors[0]).get(url)


def _is_download(response) -> bool:
    kind = response.get("Content-Type", "")
    return response.status_code == 200 and (kind.startswith("text/csv") or kind.startswith(XLSX))


def _cells(url, response):
    if response["Content-Type"].startswith("text/csv"):
        for row in csv.reader(io.StringIO(response.content.decode(), newline="")):
            yield from ((url, "csv", value) for value in row)
    else:
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.data_type == "f":
                        yield url, f"formula {sheet.title}!{cell.coordinate}", cell.value
                    elif cell.value is not None:
                        yield url, "xlsx", cell.value


@pytest.mark.django_db
def test_no_page_is_stored_and_no_download_carries_a_formula(client_for, world):
    Cluster.objects.filter(pk=world.cluster.pk).update(name=HOSTILE_CLUSTER)
    School.objects.filter(pk=world.school.pk).update(name=HOSTILE_SCHOOL)
    pages = list(_pages(client_for, world))
    assert len(pages) > 40
    stored = [f"{url}: {r.get('Cache-Control')}" for url, r in pages if r.get("Cache-Control") != "no-store"]
    assert not stored, "Signed-in pages without Cache-Control: no-store:\n" + "\n".join(stored)
    files = [(url, r) for url, r in pages if _is_download(r)]
    assert {"csv" if r["Content-Type"].startswith("text/csv") else "xlsx" for _, r in files} == {"csv", "xlsx"}
    found = []
    for url, response in files:
        assert response["Cache-Control"] == "no-store"
        assert response["Content-Disposition"].startswith("attachment;")
        for where, kind, value in _cells(url, response):
            text = str(value)
            assert not kind.startswith("formula"), f"{where}: {kind} = {value!r}"
            assert not text.startswith(("=", "+", "@", "\t", "\r")), f"{where} ({kind}): {value!r}"
            if HOSTILE_CLUSTER in text or HOSTILE_SCHOOL in text:
                assert text in ("'" + HOSTILE_CLUSTER, "'" + HOSTILE_SCHOOL), f"{where} ({kind}): {value!r}"
                found.append((where, kind))
    assert {kind for _, kind in found} == {"csv", "xlsx"}, found
