"""Walks every page each role can open (the authorisation walker's rules and world) and checks its
<title>: the page's h1, then the service name (WCAG 2.4.2), and no two different pages one role
sees share a title.
"""

import re
from collections import defaultdict
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from sendfund.accounts.tests.access import ALL_ACTORS
from sendfund.core.context_processors import SERVICE_NAME
from tests.test_authorization import all_rules

TITLE_SUFFIX = f" – {SERVICE_NAME}"


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Headings(HTMLParser):
    """Collects the text of <title>, of every <h1> (without the status tags some carry) and of every
    caption (`govuk-caption-*`, the record a page is about), with whitespace collapsed."""

    def __init__(self):
        super().__init__()
        self.title = None
        self.h1s: list[str] = []
        self.captions: list[str] = []
        self._stack: list[tuple[str, str]] = []  # (tag, kind) of open elements
        self._text: dict[str, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        classes = (dict(attrs).get("class") or "").split()
        kind = ""
        if tag in ("title", "h1"):
            kind = tag
        elif any(c.startswith("govuk-caption-") for c in classes):
            kind = "caption"
        elif "govuk-tag" in classes:
            kind = "tag"
        if kind and kind != "tag":
            self._text[kind] = []
        self._stack.append((tag, kind))

    def handle_endtag(self, tag):
        while self._stack:
            open_tag, kind = self._stack.pop()
            if kind in ("title", "h1", "caption"):
                text = " ".join("".join(self._text.pop(kind)).split())
                if kind == "title":
                    self.title = text
                else:
                    (self.h1s if kind == "h1" else self.captions).append(text)
            if open_tag == tag:
                break

    def handle_data(self, data):
        kinds = [kind for _, kind in self._stack]
        if "tag" in kinds:
            return
        for kind in set(kinds) & set(self._text):
            self._text[kind].append(data)


def page_headings(html: str) -> _Headings:
    parser = _Headings()
    parser.feed(html)
    return parser


def title_problem(html: str) -> str | None:
    """Why this page's title breaks the rule, or None when it keeps it.

    The rule: the h1, optionally followed by the record the page is about (text of its caption, such
    as a case reference, so that the same form for two cases reads differently in two tabs), then the
    service name. The start page, whose h1 is the service's name, is titled by the service name alone.
    """
    page = page_headings(html)
    if len(page.h1s) != 1:
        return f"has {len(page.h1s)} h1 elements: {page.h1s}"
    h1, title = page.h1s[0], (page.title or "").removeprefix("Error: ")
    if SERVICE_NAME.startswith(h1) and title == SERVICE_NAME:
        return None
    if title == f"{h1}{TITLE_SUFFIX}":
        return None
    middle = title.removeprefix(f"{h1} – ").removesuffix(TITLE_SUFFIX)
    if (title.startswith(f"{h1} – ") and title.endswith(TITLE_SUFFIX) and middle
            and any(middle in caption for caption in page.captions)):
        return None
    return f"title {page.title!r} is not {h1 + TITLE_SUFFIX!r} (with perhaps its caption between)"


def test_title_problem_reads_a_page_as_a_person_would():
    good = f"<title>Sign in{TITLE_SUFFIX}</title><main><h1 class='x'>Sign  in</h1></main>"
    assert title_problem(good) is None
    assert title_problem(good.replace("<title>", "<title>Error: ")) is None
    assert "is not" in title_problem(good.replace("<h1 class='x'>Sign  in", "<h1>Sign in to SendFund"))
    assert "0 h1" in title_problem(f"<title>Sign in{TITLE_SUFFIX}</title>")
    case = (f"<title>Decide – SCF-1{TITLE_SUFFIX}</title><span class='govuk-caption-l'>SCF-1: Alpha</span>"
            "<h1>Decide<br> <strong class='govuk-tag'>Open</strong></h1>")
    assert title_problem(case) is None
    assert "is not" in title_problem(case.replace("SCF-1: Alpha", "SCF-2: Alpha"))
    assert "2 h1" in title_problem(good + "<h1>Again</h1>")


@pytest.mark.django_db
def test_every_page_is_titled_by_its_heading_and_titles_differ_between_pages(client_for, world):
    problems = []
    pages_by_title: dict[tuple, set] = defaultdict(set)
    checked = 0
    for rule in all_rules():
        if rule.method != "get" or rule.name.startswith("admin:"):
            continue
        url = reverse(rule.name, kwargs=rule.kwargs(world))
        for actor in sorted(rule.allowed & ALL_ACTORS, key=str):
            response = client_for(actor).get(url)
            if response.status_code != 200 or not response["Content-Type"].startswith("text/html"):
                continue
            html = response.content.decode()
            problem = title_problem(html)
            if problem:
                problems.append(f"{url} as {actor}: {problem}")
            # Records differ between the world's pages (case 2 here, case 3 there); in real use one
            # record has all of them, so numbers are masked before titles are compared.
            pages_by_title[(actor, re.sub(r"\d+", "N", page_headings(html).title))].add(rule.name)
            checked += 1
    shared = [f"{actor} sees {title!r} on {sorted(names)}" for (actor, title), names in pages_by_title.items()
              if len(names) > 1]
    assert checked > 100
    assert not problems, "\n".join(sorted(set(problems)))
    assert not shared, "\n".join(sorted(shared))
