"""Monitoring returns: created on acceptance, pre-filled, saved with versions, signed off, reviewed, reminded
once, and the underspend of a final return clawed back to the pot."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from sendfund.accounts.roles import Role
from sendfund.casework.workdays import add_working_days, is_working_day
from sendfund.core.collection import StaleSection
from sendfund.core.errors import DomainError
from sendfund.core.models import AuditEvent
from sendfund.core.years import financial_year_of
from sendfund.funds.selectors import pot_balance
from sendfund.monitoring import schedule, selectors, services
from sendfund.monitoring.demo import fill_return, submit_return
from sendfund.monitoring.models import MonitoringReturn, Reminder, ReturnStatus

S = ReturnStatus
pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _cell(response, cell_id) -> str:
    match = re.search(rf'id="{cell_id}"[^>]*>(.*?)</', response.content.decode(), re.S)
    assert match, cell_id
    return match.group(1).strip()


def test_accepting_an_offer_creates_its_returns_pre_filled_and_due_on_working_days(world):
    ret = world.return_final
    case = ret.case
    accepted = timezone.localdate(case.accepted_at)
    interim = case.monitoring_returns.get(kind="interim")
    six_months = schedule.add_months(accepted, 6)
    assert interim.due_on == schedule.on_or_after_working_day(six_months)
    assert is_working_day(interim.due_on)
    last_fy = max(line.financial_year for line in case.lines.all() if line.decided)
    assert ret.due_on == add_working_days(dt.date(last_fy + 1, 3, 31), 20)
    application = case.application
    assert ret.progress.count() == application.activities.count() > 0
    assert ret.outcomes.count() == application.outcomes.count() > 0
    planned = sum(r.planned for r in ret.spend.all())
    assert planned == sum(a.amount for c in application.cost_lines.all() for a in c.amounts.all())
    # Running the step again (a retried job) makes nothing new.
    assert services.returns_create_for_case(case=case, actor=None) == []
    assert case.monitoring_returns.count() == 2


def test_schedule_months_and_reminder_days():
    assert schedule.add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    due = dt.date(2026, 12, 1)  # a Tuesday
    assert schedule.reminder_due(due_on=due, today=dt.date(2026, 11, 16)) is None
    assert schedule.reminder_due(due_on=due, today=dt.date(2026, 11, 17)) == "before_10"
    assert schedule.reminder_due(due_on=due, today=due) == "due"
    assert schedule.reminder_due(due_on=due, today=dt.date(2026, 12, 8)) == "after_5"
    assert schedule.reminder_due(due_on=due, today=dt.date(2026, 12, 15)) == "after_10"


def test_a_save_with_an_old_version_is_refused_and_spend_above_payments_needs_a_reason(world):
    host = world.users[Role.CLUSTER_HOST]
    ret = world.return_final
    services.return_section_save(monitoring_return=ret, key="changes", data={"any_changes": "no"}, completed=True,
                                 expected_version=0, actor=host)
    with pytest.raises(StaleSection):
        services.return_section_save(monitoring_return=ret, key="changes", data={"any_changes": "yes"},
                                     completed=True, expected_version=0, actor=world.users[Role.CLUSTER_SEND_LEAD])
    row = ret.spend.first()
    too_much = {f"spent_{row.pk}": Decimal("1.00")}  # nothing has been paid yet
    with pytest.raises(DomainError, match="Explain why you have spent more than the council has paid"):
        services.return_section_save(monitoring_return=ret, key="spend", data=too_much, completed=True,
                                     expected_version=None, actor=host)
    services.return_section_save(monitoring_return=ret, key="spend", completed=True, expected_version=None,
                                 data={**too_much, "explanation": "Paid from the cluster's reserve."}, actor=host)
    row.refresh_from_db()
    assert row.spent == Decimal("1.00")
    event = AuditEvent.objects.filter(verb="return.section_saved").order_by("-id").first()
    assert event.after["rows"][str(row.pk)]["spent"] == "1.00"


def test_sign_off_review_send_back_and_resubmit(world, client_for):
    host, certifier = world.users[Role.CLUSTER_HOST], world.users[Role.CERTIFIER]
    officer = world.users[Role.LA_OFFICER]
    ret = world.return_final
    with pytest.raises(DomainError, match="Complete every section first"):
        services.return_transition(monitoring_return=ret, to=S.AWAITING_SIGN_OFF, actor=host)
    ret = fill_return(ret, actor=host)
    services.return_transition(monitoring_return=ret, to=S.AWAITING_SIGN_OFF, actor=host)
    with pytest.raises(DomainError, match="head or chair"):
        services.return_transition(monitoring_return=ret, to=S.SUBMITTED, actor=host)
    services.return_transition(monitoring_return=ret, to=S.SUBMITTED, actor=certifier)
    response = client_for(Role.LA_OFFICER).get(reverse("monitoring:manage-return", kwargs={"pk": ret.pk}))
    assert _cell(response, "who-acts") == "An LA officer, to review it"
    response = client_for(Role.LA_OFFICER).post(reverse("monitoring:manage-return", kwargs={"pk": ret.pk}),
                                                {"decision": "send_back", "comments": "Add the training dates."})
    assert response.status_code == 302
    ret.refresh_from_db()
    assert ret.status == S.DRAFT and ret.sent_back_comments == "Add the training dates."
    page = client_for(Role.CLUSTER_HOST).get(reverse("monitoring:return", kwargs={"pk": ret.pk}))
    assert "Add the training dates." in _text(page)
    ret = submit_return(ret, writer=host, certifier=certifier)
    services.return_transition(monitoring_return=ret, to=S.ACCEPTED, actor=officer)
    verbs = list(AuditEvent.objects.filter(target_id=str(ret.pk), verb__startswith="return.")
                 .order_by("id").values_list("verb", flat=True))
    assert verbs[-6:] == ["return.sign_off_requested", "return.submitted", "return.sent_back",
                          "return.sign_off_requested", "return.submitted", "return.accepted"]
    sent_back = AuditEvent.objects.get(target_id=str(ret.pk), verb="return.sent_back")
    assert sent_back.after["note"] == "Add the training dates."


def test_reminders_go_once_even_when_the_job_runs_twice(world, django_capture_on_commit_callbacks):
    ret = world.return_final
    MonitoringReturn.objects.filter(pk=ret.pk).update(due_on=timezone.localdate())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_return_reminders")
        call_command("send_return_reminders")
    assert Reminder.objects.filter(monitoring_return=ret).count() == 1
    assert Reminder.objects.get(monitoring_return=ret).code == "due"
    mine = [m for m in mail.outbox if ret.case.reference in m.subject]
    assert len(mine) == 1
    assert sorted(mine[0].to) == sorted({world.cluster.host_email, world.cluster.send_lead_email} - {""})
    # The same reminder again, as a second worker would try it, sends nothing.
    assert services.reminder_send(monitoring_return=ret, code="due") is False


def test_final_underspend_clawed_back_shows_in_the_pot(world, client_for):
    host, certifier = world.users[Role.CLUSTER_HOST], world.users[Role.CERTIFIER]
    officer, dm = world.users[Role.LA_OFFICER], world.users[Role.DECISION_MAKER]
    from sendfund.casework.services import instalment_pay

    case = world.return_final.case
    # Only instalments whose year's pot has opened can be paid today.
    payable = case.instalments.filter(financial_year__lte=financial_year_of(timezone.localdate()))
    for instalment in payable:
        instalment_pay(instalment=instalment, paid_on=timezone.localdate(), actor=world.users[Role.FINANCE])
    ret = fill_return(world.return_final, actor=host, spent_share=Decimal("0.3"))
    ret = submit_return(ret, writer=host, certifier=certifier)
    services.return_transition(monitoring_return=ret, to=S.ACCEPTED, actor=officer)
    money = selectors.return_money(monitoring_return=ret)
    paid = sum(i.amount for i in payable)
    spent = sum(r.spent for r in ret.spend.all())
    assert money.paid == paid and money.spent == spent
    expected = sum(max(r.paid - r.spent, Decimal("0")) for r in money.rows)
    assert money.unspent == expected > 0
    page = client_for(Role.LA_OFFICER).get(reverse("monitoring:manage-return", kwargs={"pk": ret.pk}))
    assert _cell(page, "money-unspent") == f"£{expected:,.2f}"
    assert _cell(page, "money-paid") == f"£{paid:,.2f}"
    with pytest.raises(DomainError):
        services.underspend_propose(monitoring_return=ret, action="clawback", reason="Not needed", actor=dm)
    underspend = services.underspend_propose(monitoring_return=ret, action="clawback", reason="Not needed",
                                             actor=officer)
    lines = list(underspend.lines.select_related("stream"))
    before = {(ln.stream_id, ln.financial_year): pot_balance(stream=ln.stream, financial_year=ln.financial_year)
              for ln in lines}
    response = client_for(Role.DECISION_MAKER).post(reverse("monitoring:underspend-confirm", kwargs={"pk": ret.pk}))
    assert response.status_code == 302
    for ln in lines:
        after = pot_balance(stream=ln.stream, financial_year=ln.financial_year)
        assert after.remaining - before[(ln.stream_id, ln.financial_year)].remaining == ln.amount
    underspend.refresh_from_db()
    assert underspend.status == "confirmed"
    with pytest.raises(DomainError, match="confirmed already"):
        services.underspend_confirm(underspend=underspend, actor=dm)


def test_a_cluster_sees_only_its_own_returns(world, client_for):
    client = client_for("other_cluster_host")
    assert client.get(reverse("monitoring:return", kwargs={"pk": world.return_final.pk})).status_code == 404
    listing = _text(client.get(reverse("monitoring:returns")))
    assert world.return_final.case.reference not in listing
    assert world.return_other.case.reference in listing


def test_reducing_the_next_instalment_releases_the_underspend_to_the_pot(world):
    from sendfund.casework.services import instalment_pay

    host, certifier = world.users[Role.CLUSTER_HOST], world.users[Role.CERTIFIER]
    officer, dm = world.users[Role.LA_OFFICER], world.users[Role.DECISION_MAKER]
    case = world.return_final.case
    first_fy = min(i.financial_year for i in case.instalments.all())
    for stream_id in {i.stream_id for i in case.instalments.all()}:
        first = case.instalments.filter(stream_id=stream_id, financial_year=first_fy).order_by("due_on", "number")[0]
        instalment_pay(instalment=first, paid_on=timezone.localdate(), actor=world.users[Role.FINANCE])
    ret = submit_return(fill_return(world.return_final, actor=host, spent_share=Decimal("0.1")),
                        writer=host, certifier=certifier)
    services.return_transition(monitoring_return=ret, to=S.ACCEPTED, actor=officer)
    underspend = services.underspend_propose(monitoring_return=ret, action="reduce_next", actor=officer,
                                             reason="Carry the unspent money into the next payment")
    lines = list(underspend.lines.select_related("stream"))
    assert lines and all(ln.financial_year == first_fy for ln in lines)
    before = {}
    for ln in lines:
        nxt = case.instalments.filter(stream=ln.stream, paid_on__isnull=True).order_by("due_on", "number")[0]
        before[ln.stream_id] = (pot_balance(stream=ln.stream, financial_year=first_fy), nxt, nxt.amount)
    services.underspend_confirm(underspend=underspend, actor=dm)
    for ln in lines:
        balance, instalment, amount_before = before[ln.stream_id]
        assert pot_balance(stream=ln.stream, financial_year=first_fy).remaining == balance.remaining + ln.amount
        instalment.refresh_from_db()
        assert instalment.amount == amount_before - ln.amount
    assert AuditEvent.objects.filter(verb="case.instalment_reduced").count() == len(lines)


def test_a_round_schedule_is_edited_and_used_for_the_next_acceptance(world, client_for):
    from sendfund.casework.models import State
    from sendfund.casework.tests.factories import advance, submitted_application

    url = reverse("monitoring:schedule", kwargs={"round_pk": world.round.pk})
    response = client_for(Role.LA_OFFICER).post(url, {"months_interim": "3", "days_interim": "5", "days_final": "10"})
    assert response.status_code == 302
    response = client_for(Role.LA_OFFICER).post(url, {"months_interim": "0", "days_interim": "5", "days_final": "10"})
    assert "Enter 1 month or more" in response.content.decode()
    case = advance(world, submitted_application(world), State.OFFER_ACCEPTED)
    accepted = timezone.localdate(case.accepted_at)
    interim = case.monitoring_returns.get(kind="interim")
    assert interim.due_on == add_working_days(schedule.add_months(accepted, 3), 5)
    final = case.monitoring_returns.get(kind="final")
    last_fy = max(line.financial_year for line in case.lines.all() if line.decided)
    assert final.due_on == add_working_days(dt.date(last_fy + 1, 3, 31), 10)
    assert AuditEvent.objects.filter(verb="monitoring.schedule_changed").count() == 1


def test_an_explanation_is_headed_as_overspending_only_when_spend_is_more_than_paid(world, client_for):
    from sendfund.monitoring.models import ReturnSection

    ret = world.return_submitted
    ReturnSection.objects.filter(monitoring_return=ret, key="spend").update(
        answers={"explanation": "Supply cover cost more in the spring."})
    url = reverse("monitoring:manage-return", kwargs={"pk": ret.pk})
    for spent in (Decimal("0.00"), Decimal("999999.00")):  # nothing spent, then more than anything paid
        ret.spend.update(spent=spent)
        money = selectors.return_money(monitoring_return=ret)
        assert money.overspent == (spent > 0)
        html = client_for(Role.LA_OFFICER).get(url).content.decode()
        assert "Supply cover cost more in the spring." in html
        assert ("Why spending is more than has been paid" in html) == money.overspent
        assert ("What the cluster says about its spending" in html) == (not money.overspent)


def test_each_spend_line_is_labelled_with_its_stream_and_year(world):
    from sendfund.monitoring.forms import SpendForm

    rows = list(world.return_final.spend.select_related("cost_line"))
    labels = [str(f.label) for name, f in SpendForm(rows=rows).fields.items() if name.startswith("spent_")]
    assert labels and len(set(labels)) == len(labels)
    assert all(f"{row.stream_kind} stream" in label for row, label in zip(rows, labels, strict=True))
