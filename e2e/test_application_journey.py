"""The applicant journey in Chromium: a capacity application with the mouse, a development application with
the keyboard alone, the certifier's sign-off, the confirmation; axe on every page, error states included.

The capacity journey also measures the burden on a cluster: the fields it types and the pages it passes to
submit a complete application (docs/burden.md records the figures; this test rewrites them there).
"""

import re
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import expect

from sendfund.accounts.roles import Role
from sendfund.core.tests import files

from .conftest import assert_accessible, sign_in, sign_out

pytestmark = pytest.mark.e2e

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = files.pdf()
BURDEN_DOC = Path(__file__).resolve().parent.parent / "docs" / "burden.md"
MAX_TYPED_FIELDS = 25


class Burden:
    """Counts what a cluster types and the pages it passes."""

    def __init__(self, page):
        self.page = page
        self.typed: list[str] = []
        self.pages: list[str] = []
        page.on("framenavigated", lambda frame: frame == page.main_frame and self.pages.append(frame.url))

    @contextmanager
    def detour(self):
        """Pages this test visits on purpose (error states, a Change link) that a cluster need not."""
        start = len(self.pages)
        yield
        del self.pages[start:]

    def type(self, locator, text: str):
        locator.fill(text)
        self.typed.append(locator.get_attribute("name") or "?")


def check(page, context=""):
    assert page.locator("h1").count() == 1, page.url
    assert_accessible(page, context=context)


def continue_(page, name="Continue"):
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()
    page.wait_for_load_state()


def click_named(page, name):
    """A link, or a link styled as a button (role=button), by its text."""
    target = page.get_by_role("button", name=name)
    if not target.count():
        target = page.get_by_role("link", name=name)
    with page.expect_navigation():
        target.first.click()
    page.wait_for_load_state()


def fill_date(burden, page, name, day, month, year):
    for index, value in enumerate((day, month, year)):
        burden.type(page.locator(f"input[name={name}_{index}]"), value)


def test_capacity_application_by_mouse_signed_off_by_the_certifier(page, live_server, e2e_world):
    w = e2e_world
    host, certifier = w.users[Role.CLUSTER_HOST], w.users[Role.CERTIFIER]
    sign_in(page, live_server, host.email, w.password)
    burden = Burden(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Apply for funding").first.click()
    check(page, "(rounds)")
    click_named(page, re.compile("Start an application"))
    check(page, "(start)")
    with burden.detour():
        continue_(page)
        assert page.title().startswith("Error: ")
        check(page, "(start, error)")
    page.get_by_label("Capacity").check()
    continue_(page)
    check(page, "(task list)")
    assert "Not yet started" in page.inner_text("main")
    assert "Cannot start yet" in page.inner_text("main")

    def open_task(title):
        with page.expect_navigation():
            page.get_by_role("link", name=title, exact=True).click()
        page.wait_for_load_state()
        check(page, f"({title})")

    open_task("Cluster details")
    assert w.cluster.host_school.name in page.inner_text("main")
    page.get_by_label("Yes").check()
    continue_(page)

    open_task("Evidence of need (capacity)")
    with burden.detour():
        continue_(page)
        check(page, "(evidence, error)")
        assert page.locator(".govuk-error-summary").is_visible()
    burden.type(page.locator("textarea[name=unmet_need]"), "38 pupils wait for speech and language support.")
    continue_(page)

    open_task("Cluster development plan and SEN-D Action Plan")
    burden.type(page.locator("textarea[name=development_plan_priorities]"), "Early identification; shared training.")
    burden.type(page.locator("textarea[name=action_plan_priorities]"), "Screening in Reception.")
    page.set_input_files("input[name=development_plan_file]",
                         files=[{"name": "plan.pdf", "mimeType": "application/pdf", "buffer": PNG}])
    with burden.detour():
        continue_(page)
        assert "The selected file must be a PDF, Word, Excel or OpenDocument file" in page.inner_text(".govuk-error-summary")
        check(page, "(plans, upload refused)")
    page.set_input_files("input[name=development_plan_file]",
                         files=[{"name": "plan.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    continue_(page)

    open_task("Activities")
    click_named(page, "Add an activity")
    check(page, "(add activity)")
    with burden.detour():
        continue_(page)
        check(page, "(add activity, errors)")
    burden.type(page.locator("textarea[name=what]"), "Speech and language screening")
    burden.type(page.locator("input[name=delivered_by]"), "Cluster outreach worker")
    for box in page.locator("input[name=schools]").all():
        box.check()
    fill_date(burden, page, "starts_on", "1", "9", "2026")
    fill_date(burden, page, "ends_on", "31", "7", "2027")
    continue_(page)
    check(page, "(activities list)")
    page.get_by_label("Yes, I've completed this section").check()
    continue_(page)

    open_task("Costs")
    click_named(page, "Add a cost")
    check(page, "(add cost)")
    page.get_by_label("Staff").check()
    burden.type(page.locator("input[name=description]"), "Outreach worker, 3 days a week")
    burden.type(page.locator("input[name^=amount_]").first, "12500")
    page.get_by_label("Recurring").check()
    continue_(page)
    check(page, "(costs list)")
    assert "£12,500.00" in page.inner_text("main")
    page.get_by_label("Yes, I've completed this section").check()
    continue_(page)

    open_task("Outcomes")
    click_named(page, "Add an outcome")
    burden.type(page.locator("input[name=measure]"), "Pupils waiting for support")
    burden.type(page.locator("input[name=baseline]"), "38")
    burden.type(page.locator("input[name=target]"), "10")
    fill_date(burden, page, "by_when", "31", "7", "2027")
    burden.type(page.locator("textarea[name=how_measured]"), "The cluster SENCO's termly count")
    continue_(page)
    page.get_by_label("Yes, I've completed this section").check()
    continue_(page)

    open_task("Sustainability")
    burden.type(page.locator("textarea[name=after_funding]"), "Trained staff keep the screening going.")
    continue_(page)

    open_task("Governance")
    burden.type(page.locator("textarea[name=how_agreed]"), "The heads agreed it at their October meeting.")
    continue_(page)

    open_task("Declarations")
    for box in page.locator("input[type=checkbox]").all():
        box.check()
    continue_(page)

    with page.expect_navigation():
        page.get_by_role("link", name="Check your answers and send for sign-off").click()
    page.wait_for_load_state()
    check(page, "(check your answers)")
    # A Change link returns to the check page.
    with burden.detour():
        with page.expect_navigation():
            page.get_by_role("link", name=re.compile(r"^Change\s+sustainability")).click()
        page.wait_for_load_state()
        check(page, "(change from check)")
        continue_(page)
        assert "/check/" in page.url
    with page.expect_navigation():
        page.get_by_role("button", name="Send for sign-off").click()
    page.wait_for_load_state()
    check(page, "(waiting for sign-off)")
    host_pages = len(burden.pages)
    typed = len(burden.typed)
    sign_out(page)

    sign_in(page, live_server, certifier.email, w.password)
    burden.pages.clear()
    with page.expect_navigation():
        page.get_by_role("link", name="Your applications").first.click()
    page.wait_for_load_state()
    check(page, "(dashboard, certifier)")
    with page.expect_navigation():
        page.locator("main table a.govuk-link").first.click()
    page.wait_for_load_state()
    click_named(page, "Check and sign off")
    check(page, "(sign-off)")
    with burden.detour():
        continue_(page)
        check(page, "(sign-off, error)")
    page.get_by_label("Yes, confirm and submit it").check()
    continue_(page)
    check(page, "(confirmation)")
    panel = page.locator(".govuk-panel").inner_text()
    reference = re.search(r"SCF-\d{4}-\d{4}", panel).group(0)
    assert "Application submitted" in panel
    certifier_pages = len(burden.pages)

    assert typed <= MAX_TYPED_FIELDS, burden.typed
    _record_burden(typed=typed, host_pages=host_pages, certifier_pages=certifier_pages, fields=burden.typed)

    sign_out(page)
    sign_in(page, live_server, w.users[Role.LA_OFFICER].email, w.password)
    page.goto(f"{live_server.url}/manage/applications/")
    check(page, "(LA list)")
    with page.expect_navigation():
        page.get_by_role("link", name=reference).click()
    page.wait_for_load_state()
    check(page, "(LA detail)")
    assert reference in page.inner_text("h1")


def _record_burden(*, typed, host_pages, certifier_pages, fields):
    block = (f"<!-- burden:start (written by e2e/test_application_journey.py) -->\n"
             f"| measure | figure |\n|---|---|\n"
             f"| fields a cluster types (each box of a date counts) | {typed} |\n"
             f"| pages the host or SEND lead passes, from 'Apply for funding' to 'sent for sign-off' | {host_pages} |\n"
             f"| pages the certifier passes, from 'Your applications' to the confirmation | {certifier_pages} |\n"
             f"| pages in all | {host_pages + certifier_pages} |\n\n"
             f"Fields typed: {', '.join(fields)}.\n"
             f"<!-- burden:end -->")
    print("\n" + block)
    if BURDEN_DOC.exists():
        text = BURDEN_DOC.read_text()
        new = re.sub(r"<!-- burden:start.*?<!-- burden:end -->", block, text, flags=re.S)
        if new != text:
            BURDEN_DOC.write_text(new)


# --- keyboard only ---------------------------------------------------------------------------

def tab_to(page, selector: str, max_tabs: int = 250):
    """Press Tab until the focused element matches `selector` (no mouse)."""
    for _ in range(max_tabs):
        page.keyboard.press("Tab")
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Could not reach {selector} with the Tab key on {page.url}")


def key_type(page, selector, text):
    tab_to(page, selector)
    page.keyboard.type(text)


def press_continue(page, label="Continue"):
    tab_to(page, "button.govuk-button:not(.govuk-button--secondary)")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == label
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()


def follow_link(page, text):
    for _ in range(250):
        page.keyboard.press("Tab")
        if page.evaluate("t => !!document.activeElement && document.activeElement.tagName === 'A' && "
                         "document.activeElement.textContent.trim().startsWith(t)", text):
            with page.expect_navigation():
                page.keyboard.press("Enter")
            page.wait_for_load_state()
            return
    raise AssertionError(f"Could not reach the link {text!r} with the Tab key on {page.url}")


def keyboard_date(page, name, day, month, year):
    key_type(page, f"input[name={name}_0]", day)
    page.keyboard.press("Tab")
    page.keyboard.type(month)
    page.keyboard.press("Tab")
    page.keyboard.type(year)


def test_development_application_with_the_keyboard_alone(page, live_server, e2e_world):
    w = e2e_world
    page.goto(f"{live_server.url}/account/sign-in/")
    key_type(page, "input[name=username]", w.users[Role.CLUSTER_HOST].email)
    page.keyboard.press("Tab")
    page.keyboard.type(w.password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    follow_link(page, "Apply for funding")
    check(page)
    follow_link(page, "Start an application")
    tab_to(page, "input[name=streams][value=development]")
    page.keyboard.press("Space")
    press_continue(page)
    check(page, "(task list, keyboard)")

    follow_link(page, "Cluster details")
    tab_to(page, "input[name=details_correct]")
    page.keyboard.press("Space")
    press_continue(page)

    follow_link(page, "Current practice and what you want to develop")
    press_continue(page)  # nothing typed: the errors, reached by keyboard
    assert page.title().startswith("Error: ")
    check(page, "(development evidence, errors, keyboard)")
    key_type(page, "textarea[name=current_practice]", "Each school runs its own SEN support.")
    key_type(page, "textarea[name=want_to_develop]", "Shared early help for emotional needs.")
    press_continue(page)

    follow_link(page, "Cluster development plan and SEN-D Action Plan")
    key_type(page, "textarea[name=development_plan_priorities]", "Shared training.")
    key_type(page, "textarea[name=action_plan_priorities]", "A cluster outreach worker.")
    press_continue(page)

    follow_link(page, "Activities")
    follow_link(page, "Add an activity")
    key_type(page, "textarea[name=what]", "Training for teaching assistants")
    key_type(page, "input[name=delivered_by]", "Educational psychology service")
    tab_to(page, "input[name=schools]")
    page.keyboard.press("Space")
    keyboard_date(page, "starts_on", "1", "10", "2026")
    keyboard_date(page, "ends_on", "31", "3", "2027")
    press_continue(page)
    tab_to(page, "input[name=finished]")
    page.keyboard.press("Space")
    press_continue(page)

    follow_link(page, "Costs")
    follow_link(page, "Add a cost")
    tab_to(page, "input[name=category]")
    page.keyboard.press("ArrowDown")  # Training
    key_type(page, "input[name=description]", "Course fees")
    key_type(page, "input[name^=amount_]", "2400.50")
    tab_to(page, "input[name=recurrence]")
    page.keyboard.press("Space")  # One-off
    press_continue(page)
    check(page, "(costs, keyboard)")
    assert "£2,400.50" in page.inner_text("main")
    tab_to(page, "input[name=finished]")
    page.keyboard.press("Space")
    press_continue(page)

    follow_link(page, "Outcomes")
    follow_link(page, "Add an outcome")
    key_type(page, "input[name=measure]", "Staff trained")
    key_type(page, "input[name=baseline]", "0")
    key_type(page, "input[name=target]", "24")
    keyboard_date(page, "by_when", "31", "3", "2027")
    key_type(page, "textarea[name=how_measured]", "Attendance records")
    press_continue(page)
    tab_to(page, "input[name=finished]")
    page.keyboard.press("Space")
    press_continue(page)

    follow_link(page, "Sustainability")
    key_type(page, "textarea[name=after_funding]", "Trained staff train others.")
    press_continue(page)
    follow_link(page, "Governance")
    key_type(page, "textarea[name=how_agreed]", "Agreed at the heads' meeting.")
    press_continue(page)
    follow_link(page, "Declarations")
    for name in ("accurate", "no_pupil_data", "monitoring"):
        tab_to(page, f"input[name={name}]")
        page.keyboard.press("Space")
    press_continue(page)
    follow_link(page, "Check your answers and send for sign-off")
    check(page, "(check, keyboard)")
    press_continue(page, "Send for sign-off")
    assert "Waiting for sign-off" in page.inner_text("main")
    tab_to(page, "form[action$='/sign-out/'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    page.goto(f"{live_server.url}/account/sign-in/")
    key_type(page, "input[name=username]", w.users[Role.CERTIFIER].email)
    page.keyboard.press("Tab")
    page.keyboard.type(w.password)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    follow_link(page, "Your applications")
    tab_to(page, "main table a.govuk-link")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    follow_link(page, "Check and sign off")
    tab_to(page, "input[name=decision]")
    page.keyboard.press("Space")
    press_continue(page)
    check(page, "(confirmation, keyboard)")
    assert re.search(r"SCF-\d{4}-\d{4}", page.locator(".govuk-panel").inner_text())


def test_typed_answers_are_saved_before_the_session_times_out(page, live_server, e2e_world):
    """The session-timeout warning comes two minutes before sign-out; unsaved typing is saved before it."""
    import time

    from django.conf import settings

    from sendfund.applications.models import Section

    w = e2e_world
    sign_in(page, live_server, w.users[Role.CLUSTER_SEND_LEAD].email, w.password)
    page.clock.install()
    page.goto(f"{live_server.url}/apply/applications/{w.application_draft.pk}/section/sustainability/")
    page.locator("textarea[name=after_funding]").fill("Typed but not yet saved")
    page.clock.run_for((settings.SESSION_COOKIE_AGE - 170) * 1000)
    for _ in range(50):
        section = Section.objects.filter(application=w.application_draft, key="sustainability").first()
        if section and section.answers.get("after_funding"):
            break
        time.sleep(0.1)
    assert section.answers == {"after_funding": "Typed but not yet saved"} and not section.completed
    # The server has saved; wait until the page has read the new version from the answer (on a busy machine the
    # browser may not have handled the response yet when the database already shows the save).
    page.wait_for_function(f"document.querySelector('input[name=version]').value === '{section.version}'")
    page.clock.run_for(60 * 1000)
    assert page.get_by_role("dialog").is_visible()
    assert_accessible(page, context="(session warning over a form)")
    # The user carries on: the form posts the version the background save returned, so no false warning.
    page.get_by_role("button", name="Stay signed in").click()
    # While the modal dialog is open the form behind it is inert: typing would go nowhere.
    expect(page.get_by_role("dialog")).to_have_count(0)
    page.locator("textarea[name=after_funding]").fill("Finished answer")
    expect(page.locator("textarea[name=after_funding]")).to_have_value("Finished answer")
    continue_(page)
    assert "changed this section" not in page.inner_text("main")
    assert Section.objects.get(application=w.application_draft, key="sustainability").answers == {
        "after_funding": "Finished answer"}
