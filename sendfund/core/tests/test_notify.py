import pytest
from django.core import mail
from django.db import transaction

from sendfund.core.notify import email_on_commit


@pytest.mark.django_db(transaction=True)
def test_email_is_sent_only_when_the_transaction_commits():
    with transaction.atomic():
        email_on_commit(to=["host@example.com", "host@example.com", ""], subject="Hello", body="Body")
        assert mail.outbox == []
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["host@example.com"]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_sends_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        email_on_commit(to=["host@example.com"], subject="Hello", body="Body")
        raise RuntimeError("boom")
    assert mail.outbox == []
