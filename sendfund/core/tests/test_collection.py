"""The collection engine's task-list statuses, privacy findings and upload refusal (docs/adr/0032), as all
three collections (applications, monitoring returns, Health Checks) use them."""

from types import SimpleNamespace

import pytest

from sendfund.core import collection
from sendfund.core.collection import CANNOT_START, COMPLETED, IN_PROGRESS, NOT_STARTED, SectionSpec
from sendfund.core.errors import DomainError


def _saved(version, completed):
    return SimpleNamespace(version=version, completed=completed)


@pytest.mark.parametrize("section, started, complete, expected", [
    (None, None, None, NOT_STARTED),
    (_saved(0, False), None, None, NOT_STARTED),
    (_saved(2, False), None, None, IN_PROGRESS),
    (_saved(3, True), None, None, COMPLETED),
    # A collection that says itself: saved but empty is not started; a list with an unfinished item is not complete.
    (_saved(1, False), False, False, NOT_STARTED),
    (_saved(1, True), True, False, IN_PROGRESS),
    (None, True, None, IN_PROGRESS),
    (_saved(1, True), False, True, COMPLETED),
])
def test_a_section_status(section, started, complete, expected):
    assert collection.status_of(section, started=started, complete=complete) == expected


def test_a_section_after_the_others_waits_until_they_are_completed():
    specs = [SectionSpec("a", "A", "One"), SectionSpec("b", "B", "One"), SectionSpec("z", "Z", "Two", after_others=True)]
    own = {"a": COMPLETED, "b": IN_PROGRESS, "z": NOT_STARTED}
    assert collection.section_statuses(specs, status=lambda s: own[s.key]) == {
        "a": COMPLETED, "b": IN_PROGRESS, "z": CANNOT_START}
    own["b"] = COMPLETED
    groups = collection.task_groups(specs, status=lambda s: own[s.key], url=lambda s: f"/{s.key}/")
    assert [(g, [(r.spec.key, r.status, r.url) for r in rows]) for g, rows in groups] == [
        ("One", [("a", COMPLETED, "/a/"), ("b", COMPLETED, "/b/")]), ("Two", [("z", NOT_STARTED, "/z/")])]


def test_findings_say_where_with_one_wording():
    def screen(text):
        return ["a unique pupil number"] if "A123" in text else []

    found = collection.identity_findings([("Costs", "Describe the cost", "for A123", "/costs/1/"),
                                          ("Changes", "What changed", "nothing"),
                                          ("Changes", "Other", None),
                                          ("Progress", "Activity 1", "A123 again")], screen=screen)
    assert [(f.section, f.field, f.url) for f in found] == [("Costs", "Describe the cost", "/costs/1/"),
                                                            ("Progress", "Activity 1", "")]
    assert found[0].message == "Costs, 'Describe the cost': a unique pupil number. Remove it before you submit."


def test_an_upload_the_checker_has_not_passed_is_refused():
    with pytest.raises(DomainError, match="must be a PDF, Word, Excel or OpenDocument file"):
        collection.upload_store(SimpleNamespace(), SimpleNamespace(size=10))
