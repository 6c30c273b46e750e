"""The template helpers that keep pages accessible: scrolling regions for wide tables and error
summary links that reach their field."""

import datetime as dt

from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout
from django import forms
from django.template import Context, Template


def render(source, **context):
    return Template(source).render(Context(context))


def test_a_wide_table_scrolls_in_a_focusable_region_named_by_its_caption():
    html = render('{% scroll_region %}<table><caption class="c">{{ who }} cases, <b>{{ n }}</b></caption></table>'
                  "{% endscroll_region %}", n=3, who="Acle's")
    assert html.startswith('<div class="sf-table-scroll" role="region" aria-label="Acle&#x27;s cases, 3" tabindex="0">'
                           "<table>")
    assert html.rstrip().endswith("</table></div>")


def test_a_scroll_region_takes_a_label_when_the_table_has_no_caption():
    html = render('{% scroll_region "Money by year" %}<table></table>{% endscroll_region %}')
    assert 'aria-label="Money by year"' in html


class _Form(forms.Form):
    schools = forms.MultipleChoiceField(choices=[("1", "A"), ("2", "B")], widget=forms.CheckboxSelectMultiple)
    decision = forms.ChoiceField(choices=[("y", "Yes"), ("n", "No")], widget=forms.RadioSelect)
    starts_on = DateInputField(label="Start date")
    name = forms.CharField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout("schools", "decision", "starts_on", "name")

    def clean(self):
        raise forms.ValidationError("Something about the whole form")


def test_error_summary_links_point_at_the_first_input_of_each_field():
    form = _Form(data={"starts_on_0": "", "starts_on_1": "", "starts_on_2": ""})
    assert not form.is_valid()
    page = render("{% load crispy_forms_tags crispy_forms_gds %}{% error_summary form %}{% crispy form %}", form=form)
    summary = page[page.index("govuk-error-summary__list"):page.index("</ul>")]
    targets = [part.split('"')[0] for part in summary.split('href="#')[1:]]
    assert targets == ["id_schools_1", "id_schools_1", "id_decision_1", "id_starts_on_0", "id_name"]
    for target in targets:  # each is an input on the page, not a wrapper or a fieldset
        assert f'id="{target}"' in page
        assert page[:page.index(f'id="{target}"')].rsplit("<", 1)[1].startswith("input")


def test_a_valid_form_has_no_error_summary():
    class Valid(_Form):
        def clean(self):
            return self.cleaned_data

    form = Valid(data={"schools": ["1"], "decision": "y", "name": "x", "starts_on_0": "1", "starts_on_1": "4",
                       "starts_on_2": "2027"})
    assert form.is_valid() and form.cleaned_data["starts_on"] == dt.date(2027, 4, 1)
    assert "govuk-error-summary" not in render("{% load crispy_forms_gds %}{% error_summary form %}", form=form)
