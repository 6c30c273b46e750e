import threading
from decimal import Decimal

import pytest
from django.db import OperationalError, close_old_connections, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sendfund.core.errors import DomainError
from sendfund.core.models import AuditEvent
from sendfund.funds import selectors, services
from sendfund.funds.models import EntryKind, LedgerEntry, Pot
from sendfund.funds.services import Line

from .factories import fund_with_streams

D = Decimal


@pytest.fixture
def fund(db):
    fund, capacity, development = fund_with_streams()
    services.pot_allocate_year(fund=fund, financial_year=2014)
    services.pot_allocate_year(fund=fund, financial_year=2015)
    return fund, capacity, development


def test_allocation_follows_proration_and_cannot_be_repeated(fund):
    fund, capacity, development = fund
    assert selectors.pot_balance(stream=capacity, financial_year=2014).allocated == D("466666.67")
    assert selectors.pot_balance(stream=development, financial_year=2014).allocated == D("466666.66")
    assert selectors.pot_balance(stream=capacity, financial_year=2015).allocated == D("800000.00")
    with pytest.raises(DomainError, match="already been allocated"):
        services.pot_allocate_year(fund=fund, financial_year=2014)


def test_balances_follow_commitments_payments_and_clawbacks(fund):
    fund, capacity, _ = fund
    services.ledger_commit(lines=[Line(capacity, 2015, D("50000.00"))], source="award", reference="SCF-1", actor=None)
    services.ledger_pay(stream=capacity, financial_year=2015, amount=D("20000.00"), reference="SCF-1", actor=None)
    services.ledger_clawback(stream=capacity, financial_year=2015, amount=D("1500.50"), reference="SCF-1", actor=None,
                             note="Underspend returned")
    b = selectors.pot_balance(stream=capacity, financial_year=2015)
    assert (b.allocated, b.committed, b.paid, b.remaining) == (D("800000.00"), D("48499.50"), D("18499.50"),
                                                               D("751500.50"))
    assert AuditEvent.objects.filter(verb__startswith="ledger.").count() == 4 + 3


def test_the_pot_refuses_over_commitment_with_a_clear_message(fund):
    fund, capacity, development = fund
    services.ledger_commit(lines=[Line(capacity, 2014, D("466000.00"))], source="award", reference="SCF-1", actor=None)
    with pytest.raises(DomainError) as refused:
        services.ledger_commit(lines=[Line(development, 2014, D("1000.00")), Line(capacity, 2014, D("1000.00"))],
                               source="award", reference="SCF-2", actor=None)
    assert "£1,000.00 is more than the £666.67 left in the capacity stream in FY 2014-15" in refused.value.message
    # All or nothing: the development line was not committed either.
    assert not LedgerEntry.objects.filter(reference="SCF-2").exists()
    services.ledger_commit(lines=[Line(capacity, 2014, D("666.67"))], source="award", reference="SCF-3", actor=None)
    assert selectors.pot_balance(stream=capacity, financial_year=2014).remaining == D("0.00")


def test_payments_cannot_exceed_what_an_award_committed(fund):
    fund, capacity, _ = fund
    services.ledger_commit(lines=[Line(capacity, 2015, D("100.00"))], source="award", reference="SCF-1", actor=None)
    with pytest.raises(DomainError, match="still to pay"):
        services.ledger_pay(stream=capacity, financial_year=2015, amount=D("100.01"), reference="SCF-1", actor=None)
    with pytest.raises(DomainError, match="more than the £0.00 paid"):
        services.ledger_clawback(stream=capacity, financial_year=2015, amount=D("1"), reference="SCF-1", actor=None,
                                 note="x")


def test_release_gives_back_what_was_not_paid(fund):
    fund, capacity, _ = fund
    services.ledger_commit(lines=[Line(capacity, 2015, D("100.00"))], source="award", reference="SCF-1", actor=None)
    services.ledger_pay(stream=capacity, financial_year=2015, amount=D("40.00"), reference="SCF-1", actor=None)
    services.ledger_release(reference="SCF-1", source="withdrawn", actor=None)
    b = selectors.pot_balance(stream=capacity, financial_year=2015)
    assert (b.committed, b.paid) == (D("40.00"), D("40.00"))


def test_adjustment_cannot_take_the_pot_below_what_is_committed(fund):
    fund, capacity, _ = fund
    services.ledger_commit(lines=[Line(capacity, 2015, D("700000.00"))], source="award", reference="SCF-1", actor=None)
    with pytest.raises(DomainError, match="only £100,000.00 is not committed"):
        services.pot_adjust(stream=capacity, financial_year=2015, amount=D("-100000.01"), note="Cut", actor=None)
    services.pot_adjust(stream=capacity, financial_year=2015, amount=D("-100000.00"), note="Cut", actor=None)
    assert selectors.pot_balance(stream=capacity, financial_year=2015).remaining == D("0.00")


def test_ledger_entries_are_append_only(fund):
    entry = LedgerEntry.objects.first()
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        LedgerEntry.objects.update(amount=0)
    with pytest.raises(TypeError):
        LedgerEntry.objects.all().delete()


operations = st.lists(st.tuples(
    st.sampled_from(["commit", "pay", "clawback", "adjust", "release"]),
    st.sampled_from(["capacity", "development"]),
    st.sampled_from([2014, 2015]),
    st.decimals(min_value=D("0.01"), max_value=D("400000.00"), places=2),
    st.sampled_from(["SCF-A", "SCF-B", "SCF-C"]),
), max_size=25)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=operations)
def test_balances_always_agree_with_a_recomputation_from_the_entries(ops):
    """Whatever is attempted, the database's sums equal a recount of the entries, and no pot goes below zero."""
    with transaction.atomic():  # each example starts from an empty ledger
        _check_ledger(ops)
        transaction.set_rollback(True)


def _check_ledger(ops):
    fund, capacity, development = fund_with_streams()
    streams = {"capacity": capacity, "development": development}
    services.pot_allocate_year(fund=fund, financial_year=2014)
    services.pot_allocate_year(fund=fund, financial_year=2015)
    for op, kind, year, amount, ref in ops:
        stream = streams[kind]
        try:
            if op == "commit":
                services.ledger_commit(lines=[Line(stream, year, amount)], source="award", reference=ref, actor=None)
            elif op == "pay":
                services.ledger_pay(stream=stream, financial_year=year, amount=amount, reference=ref, actor=None)
            elif op == "clawback":
                services.ledger_clawback(stream=stream, financial_year=year, amount=amount, reference=ref, actor=None,
                                         note="returned")
            elif op == "adjust":
                services.pot_adjust(stream=stream, financial_year=year, amount=-amount, note="cut", actor=None)
            else:
                services.ledger_release(reference=ref, source="withdrawn", actor=None)
        except DomainError:
            pass
    rows = selectors.pot_rows(fund=fund)
    assert len(rows) == 4
    for row in rows:
        entries = list(LedgerEntry.objects.filter(pot_id=row.pot_id))
        recount = selectors.balance_of_entries(entries)
        assert row.balance == recount
        assert recount.remaining >= 0
        assert 0 <= recount.paid <= recount.committed
        by_hand = sum((e.amount for e in entries if e.kind in (EntryKind.ALLOCATION, EntryKind.ADJUSTMENT)), D(0))
        assert row.balance.allocated == by_hand
    for ref in ("SCF-A", "SCF-B", "SCF-C"):
        for balance in selectors.reference_balances(reference=ref).values():
            assert 0 <= balance.paid <= balance.committed


@pytest.mark.postgres  # the row lock is PostgreSQL's; on SQLite it runs too, against IMMEDIATE transactions
@pytest.mark.django_db(transaction=True)
def test_two_officers_deciding_at_once_cannot_over_commit_the_pot():
    """Eight threads each try to commit £200,000 from an £800,000 pot at the same moment: exactly four succeed.

    On PostgreSQL the pot's row is locked with SELECT ... FOR UPDATE; on SQLite each transaction begins
    IMMEDIATE, taking the database's write lock. Either way the check and the commitment are one step.
    """
    fund, capacity, _ = fund_with_streams()
    services.pot_allocate_year(fund=fund, financial_year=2015)
    pot_id = Pot.objects.get(stream=capacity, financial_year=2015).pk
    start = threading.Barrier(8)
    outcomes: list[str] = []
    lock = threading.Lock()

    def decide(n):
        close_old_connections()
        try:
            start.wait()
            for _attempt in range(200):
                try:
                    services.ledger_commit(lines=[Line(capacity, 2015, D("200000.00"))], source="award",
                                           reference=f"SCF-{n}", actor=None)
                    result = "committed"
                    break
                except DomainError:
                    result = "refused"
                    break
                except OperationalError:  # SQLite's shared-cache test database: "table is locked"; try again
                    threading.Event().wait(0.01)
            else:
                result = "gave up"
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["committed"] * 4 + ["refused"] * 4
    balance = selectors.pot_balance_by_id(pot_id=pot_id)
    assert balance.committed == D("800000.00")
    assert balance.remaining == D("0.00")
    assert LedgerEntry.objects.filter(kind="commitment").count() == 4


def test_the_pot_page_shows_labelled_years_and_pounds(world, client_for):
    response = client_for("decision_maker").get("/manage/funds/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "FY 2014-15" in html and "£933,333.33" in html  # 7/12 of £1.6m in the first financial year
    assert "AY 2014/15" in html
    assert 'role="img"' in html and "style=" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "Remaining" in html and "£800,000.00" in html
