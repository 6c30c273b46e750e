"""Figures on casework pages read as people expect: the moderation spread and the criteria's weights."""

from decimal import Decimal

import pytest
from django.urls import reverse

from sendfund.accounts.roles import Role
from sendfund.casework import selectors, services
from sendfund.casework.models import State
from sendfund.core.money import format_pounds
from sendfund.core.years import fy_label
from tests.html_tables import table

from .factories import advance, score_all, submitted_application

pytestmark = pytest.mark.django_db


def test_the_spread_shows_how_far_apart_the_reviewers_are(world, client_for):
    case = advance(world, submitted_application(world), State.UNDER_ASSESSMENT)
    score_all(case, world.users[Role.EDUCATION_SPECIALIST], 4)
    score_all(case, world.users[Role.BUSINESS_SPECIALIST], 3)
    m = selectors.case_moderation(case=case)
    assert (m.education_total, m.business_total, m.total_spread) == (Decimal("80.0"), Decimal("60.0"), Decimal("20.0"))
    html = client_for(Role.LA_OFFICER).get(reverse("casework:moderation", kwargs={"reference": case.reference})).content
    rows = table(html, "Scores by criterion").by_first_column()
    total = rows["Weighted total (out of 100)"]
    assert (total["Education"], total["Business"]) == ("80.0", "60.0")
    assert total["Spread"] == "20.0 Discuss"
    assert {r["Spread"] for name, r in rows.items() if name != "Weighted total (out of 100)"} == {"1"}
    assert "in points out of 100 for the weighted total" in html.decode()


def test_one_reviewer_alone_has_no_spread(world):
    case = advance(world, submitted_application(world), State.UNDER_ASSESSMENT)
    score_all(case, world.users[Role.EDUCATION_SPECIALIST], 4)
    m = selectors.case_moderation(case=case)
    assert {r.spread for r in m.rows} == {None} and m.total_spread is None


def test_weights_read_as_whole_percentages(world, client_for):
    case = advance(world, submitted_application(world), State.UNDER_ASSESSMENT)
    html = client_for(Role.LA_OFFICER).get(reverse("casework:moderation", kwargs={"reference": case.reference})).content
    weights = [r["Weight"] for r in table(html, "Scores by criterion").rows_by_header()]
    assert "30%" in weights and not any("E" in w for w in weights)
    services.conflict_declare(case=case, user=world.users[Role.EDUCATION_SPECIALIST], has_conflict=False, details="")
    reviewer = client_for(Role.EDUCATION_SPECIALIST)
    page = reviewer.get(reverse("casework:review", kwargs={"reference": case.reference})).content.decode()
    assert "Need and evidence (weight 30%)" in page and "Governance (weight 10%)" in page
    assert "E+" not in page


def test_every_state_has_words_for_clusters():
    from sendfund.applications.models import Status
    from sendfund.applications.status import APPLICATION_WORDS, CASE_WORDS, DECIDED_WORDS
    from sendfund.casework.models import Outcome

    assert set(APPLICATION_WORDS) == set(Status.values)
    assert set(CASE_WORDS) == set(State.values) - {State.DECIDED}
    assert set(DECIDED_WORDS) == set(Outcome.values)


def _dashboard_status(client, application) -> str:
    rows = table(client.get(reverse("applications:dashboard")).content, "Your cluster's applications").rows_by_header()
    return next(r["Status"] for r in rows if f"application {application.pk} for" in r["Application"])


def _status_everywhere(client, case) -> set[str]:
    """The words for one submitted application on every cluster page that shows where it is."""
    cases = table(client.get(reverse("casework:apply-cases")).content, "Applications the council").rows_by_header()
    on_list = next(r["Where it is"] for r in cases if r["Reference"] == case.reference)
    html = client.get(reverse("casework:apply-case", kwargs={"reference": case.reference})).content.decode()
    detail = client.get(reverse("applications:detail", kwargs={"pk": case.application_id})).content.decode()
    words = {_dashboard_status(client, case.application), on_list}
    assert all(f">{w}</strong>" in html and f">{w}</strong>" in detail for w in words), (words, case.status)
    return words


def test_clusters_read_one_set_of_words_on_every_page(world, client_for):
    client = client_for(Role.CLUSTER_HOST)
    assert _dashboard_status(client, world.application_draft) == "Draft"
    assert _dashboard_status(client, world.application_awaiting) == "Waiting for sign-off"
    assert _status_everywhere(client, world.case) == {"Approved in part: offer made"}
    assert _status_everywhere(client, world.case_assessing) == {"More information needed"}
    case = advance(world, world.case, State.IN_DELIVERY)
    assert _status_everywhere(client, case) == {"Funded: in delivery"}
    withdrawn = services.case_withdraw(case=world.case_assessing, reason="The cluster asked.",
                                       actor=world.users[Role.LA_OFFICER])
    assert _status_everywhere(client, withdrawn) == {"Withdrawn"}


def _accepted(world):
    """An approved award with money in this financial year and the next, accepted by the cluster."""
    from sendfund.casework.models import Outcome

    return advance(world, submitted_application(world), State.OFFER_ACCEPTED, outcome=Outcome.APPROVED)


def test_instalments_are_numbered_in_the_order_they_fall_due(world):
    case = _accepted(world)
    instalments = list(case.instalments.order_by("number"))
    assert len(instalments) == 8  # two streams, two years, two halves
    assert [i.due_on for i in instalments] == sorted(i.due_on for i in instalments)
    assert [i.number for i in case.instalments.all()] == list(range(1, 9))  # the page's order is the numbers' order


def test_the_payments_page_prefills_no_date_and_offers_future_years_money_only_when_the_year_starts(world, client_for):
    from django.utils import timezone

    from sendfund.core.years import financial_year_of

    case = _accepted(world)
    html = client_for(Role.FINANCE).get(reverse("casework:payments", kwargs={"reference": case.reference})).content
    assert b'type="date" value=' not in html
    rows = table(html, "Instalments").rows_by_header()
    this_year = financial_year_of(timezone.localdate())
    for row, instalment in zip(rows, case.instalments.all(), strict=True):
        assert row["Number"] == str(instalment.number)
        if instalment.financial_year > this_year:
            assert row["Record"].startswith(f"Can be paid from 1 April {instalment.financial_year}")
        else:
            assert row["Record"].startswith("Date paid")


def test_next_years_money_cannot_be_paid_before_next_year(world):
    from django.utils import timezone

    from sendfund.core.errors import DomainError
    from sendfund.core.years import financial_year_of

    case = _accepted(world)
    future = case.instalments.filter(financial_year__gt=financial_year_of(timezone.localdate())).first()
    with pytest.raises(DomainError, match="opens on 1 April"):
        services.instalment_pay(instalment=future, paid_on=timezone.localdate(), actor=world.users[Role.FINANCE])
    future.refresh_from_db()
    assert future.paid_on is None


def test_the_person_who_decides_is_not_the_person_who_pays(world, client_for):
    from django.utils import timezone

    from sendfund.core.errors import DomainError

    case = _accepted(world)
    first = case.instalments.first()
    with pytest.raises(DomainError, match="Only finance records payments"):
        services.instalment_pay(instalment=first, paid_on=timezone.localdate(), actor=world.users[Role.DECISION_MAKER])
    url = reverse("casework:payments", kwargs={"reference": case.reference})
    assert client_for(Role.DECISION_MAKER).get(url).status_code == 403
    response = client_for(Role.FINANCE).post(url, {"instalment": first.pk, "paid_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.paid_by == world.users[Role.FINANCE]
    assert world.users[Role.FINANCE] != world.users[Role.DECISION_MAKER]


def test_the_demo_gives_deciding_and_paying_to_different_people():
    from sendfund.accounts.demo import LA_PEOPLE

    assert LA_PEOPLE[Role.FINANCE][0] != LA_PEOPLE[Role.DECISION_MAKER][0]


def test_the_letter_prints_a_name_in_any_script_and_is_a_tagged_pdf(world, client_for):
    """A cluster named in Korean with an emoji: the letter's text extracts as typed (no empty boxes), and
    the PDF is tagged for screen readers (PDF/UA-1: a structure tree, marked content, the language)."""
    import io

    from pypdf import PdfReader

    name = "해바라기 학교 클러스터 🌻"
    cluster = world.case.cluster
    cluster.name = name
    cluster.save()
    response = client_for(Role.CLUSTER_HOST).get(
        reverse("casework:apply-letter-pdf", kwargs={"reference": world.case.reference}))
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "해바라기 학교 클러스터" in text
    assert "🌻" in text
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root.get("/Lang") in ("en", b"en")
    fonts = {str(f["/BaseFont"]) for page in reader.pages for f in
             (page["/Resources"]["/Font"].get_object().values()) for f in [f.get_object()]}
    assert any("Noto-Sans-CJK" in f for f in fonts) and any("Noto-Color-Emoji" in f for f in fonts), fonts


def test_the_money_tables_totals_add_up_what_its_lines_show(world, client_for):
    """Before anything is recommended the lines and the total both say "–" (not £0.00 under dashes); once decided,
    each column's total is the sum of its lines, as the case's award lines hold them."""
    case = advance(world, submitted_application(world), State.UNDER_ASSESSMENT)
    client = client_for(Role.LA_OFFICER)

    def money():
        html = client.get(reverse("casework:case-detail", kwargs={"reference": case.reference})).content
        rows = table(html, "Asked for, recommended and decided").by_first_column()
        return rows.pop("Total"), rows

    total, lines = money()
    assert {r["Recommended"] for r in lines.values()} == {r["Decided"] for r in lines.values()} == {"–"}
    assert (total["Recommended"], total["Decided"]) == ("–", "–")
    assert total["Asked for"] == format_pounds(sum(ln.requested for ln in case.lines.all()))
    case = advance(world, case, State.DECIDED)
    total, lines = money()
    award = list(case.lines.all())
    assert total["Recommended"] == format_pounds(sum(ln.recommended for ln in award))
    assert total["Decided"] == format_pounds(sum(ln.decided for ln in award))
    assert sorted(r["Decided"] for r in lines.values()) == sorted(format_pounds(ln.decided) for ln in award)


def test_the_decide_forms_errors_sit_at_the_question_they_are_about(world, client_for):
    """An amount over what was asked is shown at that amount's box; 'approved' with less than asked at the
    decision's question; each linked from the error summary to that input; no Bootstrap alert anywhere."""
    import re

    case = advance(world, submitted_application(world, streams=("capacity",)), State.RECOMMENDED)
    line, *others = case.lines.order_by("financial_year")
    client = client_for(Role.DECISION_MAKER)
    url = reverse("casework:decide", kwargs={"reference": case.reference})
    base = {"reasons": "Clear need.", "conditions": "", **{f"line_{o.pk}": str(o.requested) for o in others}}

    def errors(data):
        html = client.post(url, {**base, **data}).content.decode()
        assert "alert-danger" not in html and "alert-block" not in html
        return html, re.findall(r'<li><a href="#([^"]+)">([^<]+)</a></li>', html)

    html, links = errors({"outcome": "approved", f"line_{line.pk}": str(line.requested + 1)})
    assert links == [(f"id_line_{line.pk}", f"The decided amount for capacity in {fy_label(line.financial_year)} "
                                            f"cannot be more than the {format_pounds(line.requested)} asked for.")]
    assert 'govuk-input--error' in html
    html, links = errors({"outcome": "approved", f"line_{line.pk}": str(line.requested - 1)})
    [(target, message)] = links
    assert target.startswith("id_outcome") and message.startswith("Approved means every amount asked for.")
    case.refresh_from_db()
    assert case.status == State.RECOMMENDED and all(ln.decided is None for ln in case.lines.all())


def test_a_payment_form_sent_with_its_instalment_changed_says_so(world, client_for):
    """The instalment is a hidden field: a page changed by hand, or out of date, gets a message it can act on,
    never an empty error summary; nothing is paid."""
    import re

    case = advance(world, submitted_application(world, streams=("capacity",)), State.IN_DELIVERY)
    url = reverse("casework:payments", kwargs={"reference": case.reference})
    paid = set(case.instalments.filter(paid_on__isnull=False).values_list("pk", flat=True))
    for instalment in ("abc", ""):
        html = client_for(Role.FINANCE).post(url, {"instalment": instalment, "paid_on": "2026-11-30"}).content.decode()
        assert "govuk-error-summary" in html
        assert re.findall(r'<li><a href="#[^"]+">([^<]+)</a></li>', html) == [
            "Part of the form could not be read. Reload the page and try again"]
    assert set(case.instalments.filter(paid_on__isnull=False).values_list("pk", flat=True)) == paid
