"""Every free-text field in the product goes through the one privacy screen (core.privacy), and every
file field through the one upload checker (core.filecheck).

Walks every Form class defined in the project's apps, builds it, and types a well-formed UPN into each
free-text field: casework and every other form must refuse it with an error on that field; application
answers (warned on saving, blocked at sign-off) must be kept where the sign-off check reads them. A new
form, or a new free-text field, that is not screened fails here.
"""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django import forms

from sendfund.applications.sections import ITEM_FORMS
from sendfund.applications.selectors import ITEM_TEXT
from tests.world import app_modules

UPN_TEXT = "Pupil A123456789012 needs help"  # A is the check letter of 123456789012
ORDINARY_TEXT = "38 pupils; URN 121001; call 01603 223456; the heads met on 12/10/2026; £2,500.00"

CRITERION = SimpleNamespace(pk=1, code="need", name="Need", weight=Decimal("40"), description="How great the need is")
LINE = SimpleNamespace(pk=7, stream=SimpleNamespace(get_kind_display=lambda: "Capacity"), financial_year=2026,
                       requested=Decimal("2500.00"), recommended=None)
# What some forms need to be built; a form that cannot be built from this table fails the walk. A key is
# the class's name, or its module and name where two apps name a form alike (monitoring's ReviewForm takes
# nothing).
BUILD = {
    "sendfund.casework.forms.ReviewForm": {"criteria": [CRITERION]},
    "AmountsForm": {"lines": [LINE], "field": "recommended"},
    "RecommendForm": {"lines": [LINE], "field": "recommended"},
    "DecideForm": {"lines": [LINE], "field": "recommended"},
    "VersionForm": {"indicators": [SimpleNamespace(code="pupils", name="Pupils", is_need=True)]},
    "RunForm": {"academic_years": [2018]},
    "CarryForwardForm": {"plan": SimpleNamespace(new=[], to_year=2027), "clusters": []},  # choices only
    "SignInForm": {"request": None},
}
POSITIONAL = {"NewPasswordForm": lambda: [None]}


def project_forms() -> list[type]:
    for name in ("forms", "views", "admin"):
        list(app_modules(name))  # import them, so every form class is defined
    found, stack = [], [forms.BaseForm]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if (cls.__module__.startswith("sendfund.") and ".tests." not in cls.__module__
                and not issubclass(cls, forms.BaseModelForm)):
            found.append(cls)  # model forms are the admin's: walked by the admin's own test below
    return sorted(set(found), key=lambda c: (c.__module__, c.__name__))


def is_free_text(field) -> bool:
    """Written here on its own, not taken from core.forms: words typed into a text box or area."""
    if not isinstance(field, forms.CharField):
        return False
    if isinstance(field, forms.EmailField | forms.URLField | forms.SlugField | forms.UUIDField):
        return False
    if isinstance(field.widget, forms.PasswordInput | forms.HiddenInput):
        return False
    return field.widget.attrs.get("inputmode") not in ("decimal", "numeric")


def build(cls, data=None):
    args = POSITIONAL.get(cls.__name__, list)()
    kwargs = BUILD.get(f"{cls.__module__}.{cls.__name__}", BUILD.get(cls.__name__, {}))
    return cls(*args, data=data, **kwargs)


def free_text_fields() -> list[tuple[type, str]]:
    return [(cls, name) for cls in project_forms() for name, field in build(cls).fields.items()
            if is_free_text(field)]


def test_the_walk_finds_the_forms_and_fields_it_must():
    names = {(cls.__name__, name) for cls, name in free_text_fields()}
    for expected in [("NotesForm", "notes"), ("NotesForm", "actions"), ("ReviewForm", "summary"),
                     ("ReviewForm", "why_need"), ("QuestionForm", "question"), ("AnswerForm", "answer"),
                     ("RecommendForm", "recommendation"), ("DecideForm", "reasons"), ("DecideForm", "conditions"),
                     ("WithdrawForm", "reason"), ("MeetingForm", "cluster_attendees"), ("SignOffForm", "reason"),
                     ("SustainabilityForm", "after_funding"), ("ActivityForm", "what"), ("VersionForm", "description")]:
        assert expected in names, expected
    assert ("RecommendForm", "line_7") not in names  # an amount is not free text


@pytest.mark.django_db
@pytest.mark.parametrize("cls, name", free_text_fields(), ids=lambda v: getattr(v, "__name__", v))
def test_every_free_text_field_is_screened_for_pupil_data(cls, name):
    form = build(cls, data={name: UPN_TEXT})
    form.is_valid()
    errors = " ".join(form.errors.get(name, []))
    if getattr(form, "privacy_warn_only", False):
        # application answers: kept, then warned about and blocked at sign-off by the same screen
        assert "identify a child" not in errors
        item_kind = next((kind for kind, item_form in ITEM_FORMS.items() if item_form is cls), None)
        if item_kind:
            assert name in ITEM_TEXT[item_kind], f"{cls.__name__}.{name} is not read by the sign-off check"
        else:
            assert name in form.answers(), f"{cls.__name__}.{name} is not kept where the sign-off check reads it"
    else:
        assert "looks like a unique pupil number (UPN) (A**********12)" in errors, \
            f"{cls.__module__}.{cls.__name__}.{name} does not refuse pupil data: {errors!r}"
        assert "A123456789012" not in errors


@pytest.mark.django_db
@pytest.mark.parametrize("cls, name", free_text_fields(), ids=lambda v: getattr(v, "__name__", v))
def test_ordinary_text_is_not_refused(cls, name):
    form = build(cls, data={name: ORDINARY_TEXT})
    form.is_valid()
    assert "identify a child" not in " ".join(form.errors.get(name, []))


def test_every_file_field_goes_through_the_one_upload_checker():
    from sendfund.core.forms import CheckedFileField, CsvFileField

    file_fields = {(cls.__name__, name): field for cls in project_forms()
                   for name, field in build(cls).fields.items() if isinstance(field, forms.FileField)}
    assert ("PlansForm", "development_plan_file") in file_fields
    # documents go through the upload checker; data files a council imports through the CSV checker
    unchecked = [where for where, field in file_fields.items()
                 if not isinstance(field, CheckedFileField | CsvFileField)]
    assert not unchecked, f"file fields that do not use core.filecheck: {unchecked}"


def _admin_forms(request):
    from django.contrib import admin

    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("sendfund.") or not model_admin.has_change_permission(request):
            continue
        for obj in (None, model.objects.first()):
            yield f"{model.__name__} admin", model_admin.get_form(request, obj)
            for inline in model_admin.get_inline_instances(request, obj):
                yield f"{model.__name__} admin, {inline.model.__name__} inline", inline.get_formset(request, obj).form


@pytest.mark.django_db
def test_every_free_text_field_of_the_admin_is_screened(world, rf):
    from sendfund.accounts.roles import Role

    request = rf.get("/manage/admin/")
    request.user = world.users[Role.ADMINISTRATOR]
    request.user.is_superuser = request.user.is_staff = True
    checked, unscreened = set(), []
    for where, form_class in _admin_forms(request):
        for name, field in form_class().fields.items():
            if not is_free_text(field):
                continue
            form = form_class(data={name: UPN_TEXT})
            form.is_valid()
            checked.add((where, name))
            if "looks like a unique pupil number (UPN) (A**********12)" not in " ".join(form.errors.get(name, [])):
                unscreened.append((where, name))
    assert {("Fund admin", "description"), ("Fund admin, Stream inline", "purpose"), ("Cluster admin", "name"),
            ("User admin", "full_name")} <= checked
    assert not unscreened, f"admin fields that do not screen for pupil data: {unscreened}"


@pytest.mark.django_db
def test_the_admin_refuses_pupil_data_on_its_pages(world, client):
    from django.urls import reverse

    from sendfund.accounts.roles import Role

    admin_user = world.users[Role.ADMINISTRATOR]
    admin_user.is_superuser = admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user, backend="sendfund.accounts.backends.EmailBackend")
    for name in ("accounts_user_add", "funds_fund_add", "registry_cluster_add", "accounts_organisation_add"):
        assert client.get(reverse(f"admin:{name}")).status_code == 200, name
    url = reverse("admin:registry_cluster_change", args=[world.cluster.pk])
    page = client.get(url).content.decode()
    assert "Alpha cluster" in page
    response = client.post(reverse("admin:registry_cluster_add"), {"name": "Cluster of A123456789012"})
    assert response.status_code == 200
    assert "looks like a unique pupil number (UPN) (A**********12)" in response.content.decode()
