"""Posts every data-entry form of the site empty (each page the authorisation walker opens, as a role
allowed there) and checks the error summary it answers with: every link points at an input that
exists, so following it moves focus to the field (WCAG 3.3.1, 2.4.3). The browser journeys check
the focus itself (e2e/conftest.py).
"""

from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.db import transaction
from django.urls import reverse

from tests.test_authorization import all_rules
from tests.test_page_titles import title_problem

FOCUSABLE = {"input", "select", "textarea", "button"}


class _Forms(HTMLParser):
    """The page's POST forms that take input (action, visible field names), the ids of focusable
    elements, the targets of the error summary's links, and whether any field shows an error."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, set]] = []
        self.focusable_ids: set[str] = set()
        self.all_ids: set[str] = set()
        self.summary_links: list[str] = []
        self.field_errors = 0
        self._form = None
        self._summary_depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if a.get("id"):
            self.all_ids.add(a["id"])
            if (tag in FOCUSABLE and a.get("type") != "hidden") or a.get("tabindex") is not None:
                self.focusable_ids.add(a["id"])
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = (a.get("action") or "", set())
            self.forms.append(self._form)
        if self._form and tag in ("input", "select", "textarea") and a.get("type") not in ("hidden", "submit"):
            self._form[1].add(a.get("name"))
        if "govuk-error-summary__list" in classes:
            self._summary_depth = 1
        elif self._summary_depth and tag == "a":
            self.summary_links.append(a.get("href") or "")
        if "govuk-error-message" in classes:
            self.field_errors += 1

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        if tag == "ul" and self._summary_depth:
            self._summary_depth = 0


def read_forms(html: str) -> _Forms:
    parser = _Forms()
    parser.feed(html)
    return parser


def summary_problems(html: str) -> list[str]:
    """What is wrong with a page's error summary: links to nothing, to something that cannot take
    focus, or field errors with no summary at all."""
    page = read_forms(html)
    problems = []
    if page.field_errors and not page.summary_links:
        problems.append(f"{page.field_errors} field error(s) but no error summary links")
    for href in page.summary_links:
        target = href.removeprefix("#")
        if not href.startswith("#") or target not in page.all_ids:
            problems.append(f"link {href!r} points at no element")
        elif target not in page.focusable_ids:
            problems.append(f"link {href!r} points at an element that cannot take focus")
    return problems


def test_summary_problems_finds_links_to_nothing_and_to_wrappers():
    good = ('<ul class="govuk-error-summary__list"><li><a href="#id_schools_1">Select</a></li></ul>'
            '<p class="govuk-error-message">Select</p><input type="checkbox" id="id_schools_1">')
    assert summary_problems(good) == []
    assert "no element" in summary_problems(good.replace("#id_schools_1", "#id_schools"))[0]
    assert "cannot take focus" in summary_problems(good.replace('<input type="checkbox"', "<div"))[0]
    assert "no error summary" in summary_problems('<p class="govuk-error-message">Enter it</p>')[0]


class _Undo(Exception):
    pass


@pytest.mark.django_db
def test_every_form_posted_empty_answers_with_an_error_summary_whose_links_reach_their_fields(client_for, world):
    problems, summaries = [], 0
    seen = set()
    for rule in all_rules():
        if rule.method != "get" or rule.name.startswith("admin:") or not rule.allowed:
            continue
        url = reverse(rule.name, kwargs=rule.kwargs(world))
        actor = sorted(rule.allowed, key=str)[0]
        client = client_for(actor)
        response = client.get(url)
        if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
            continue
        for action, names in read_forms(response.content.decode()).forms:
            target = urljoin(url, action) if action else url
            if not names or (target, actor) in seen:
                continue
            seen.add((target, actor))
            try:
                with transaction.atomic():  # an empty post that is valid changes nothing for the next page
                    posted = client.post(target, {})
                    raise _Undo
            except _Undo:
                pass
            if posted.status_code != 200:
                continue
            html = posted.content.decode()
            found = read_forms(html)
            summaries += bool(found.summary_links)
            for problem in summary_problems(html) + ([title_problem(html)] if found.summary_links else []):
                if problem:
                    problems.append(f"POST {target} as {actor}: {problem}")
    assert summaries > 10
    assert not problems, "\n".join(problems)
