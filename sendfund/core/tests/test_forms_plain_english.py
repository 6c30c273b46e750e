"""Every screened form says its length limits in plain English, and a field over its limit gets one error."""

from django import forms

from sendfund.core.forms import PrivacyScreen, require_when


class _SendBack(PrivacyScreen, forms.Form):
    decision = forms.ChoiceField(choices=[("ok", "OK"), ("send_back", "Send back")])
    reason = forms.CharField(label="What needs to change?", required=False, max_length=2000)
    place = forms.CharField(label="Place", required=False, max_length=200,
                            error_messages={"max_length": "Place must be 200 characters or fewer"})

    def clean(self):
        data = super().clean()
        require_when(self, data.get("decision") == "send_back", "reason", "Enter what needs to change")
        return data


def test_a_text_over_its_limit_gets_one_plain_error_not_also_a_required_one():
    form = _SendBack({"decision": "send_back", "reason": "x" * 10001})
    assert not form.is_valid()
    assert form.errors["reason"] == ["Enter 2,000 characters or fewer (you entered 10,001)"]


def test_a_fields_own_length_message_is_kept_and_a_blank_reason_is_still_required():
    form = _SendBack({"decision": "send_back", "reason": " ", "place": "p" * 201})
    assert not form.is_valid()
    assert form.errors["place"] == ["Place must be 200 characters or fewer"]
    assert form.errors["reason"] == ["Enter what needs to change"]
    assert _SendBack({"decision": "send_back", "reason": "Add the figures"}).is_valid()
