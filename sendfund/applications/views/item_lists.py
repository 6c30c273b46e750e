"""The sections that are lists (activities, costs, outcomes): the list page, adding, changing and removing
an item."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from sendfund.core.errors import DomainError
from sendfund.core.forms import form_error, run_action

from .. import selectors, services
from ..forms import FinishedForm
from ..sections import BY_KEY, ITEM_FORMS, ITEM_NAMES, ITEM_SECTIONS
from ..summary import application_summary
from ._common import _after_save, _editable, _save_step, _version


def _item_kind(kind):
    if kind not in ITEM_SECTIONS:
        raise Http404("No such section")
    return kind


@_editable
def items(request, application, pk, kind):
    spec = BY_KEY[_item_kind(kind)]
    loaded = selectors.application_load(application=application)
    form = FinishedForm(request.POST if request.method == "POST" else None)
    stale = False
    # Not run_form: a stale save (the list changed since the page was shown) shows the list again, read afresh.
    if request.method == "POST" and form.is_valid():
        try:
            services.section_finish(application=application, kind=kind, finished=form.cleaned_data["finished"] == "yes",
                                    expected_version=_version(request), actor=request.user)
        except services.StaleSection:
            stale = True
            loaded = selectors.application_load(application=application)
        except DomainError as exc:
            form_error(form, exc, field="finished")
        else:
            return _after_save(request, application)
    rows = [{"item": item, "number": n, "complete": selectors.item_is_complete(kind=kind, item=item, application=application)}
            for n, item in enumerate(loaded.items[kind], start=1)]
    cards = application_summary(loaded=loaded, editable=True, only=kind)
    return render(request, "applications/items.html", {
        "application": application, "spec": spec, "kind": kind, "name": ITEM_NAMES[kind], "rows": rows,
        "cards": cards, "form": form, "version": loaded.version(kind), "stale": stale,
        "return_check": request.GET.get("return") == "check"})


def _item_initial(kind, item):
    if item is None:
        return {}
    if kind == "activities":
        return {"what": item.what, "delivered_by": item.delivered_by, "starts_on": item.starts_on,
                "ends_on": item.ends_on, "schools": [str(s.pk) for s in item.schools.all()]}
    if kind == "costs":
        initial = {"stream_kind": item.stream_kind, "category": item.category, "description": item.description,
                   "recurrence": item.recurrence}
        initial.update({f"amount_{a.financial_year}": f"{a.amount:.2f}" for a in item.amounts.all()})
        return initial
    return {"measure": item.measure, "baseline": item.baseline, "target": item.target, "by_when": item.by_when,
            "how_measured": item.how_measured}


def _item_form(request, application, pk, kind, item_pk=None):
    _item_kind(kind)
    model = services.ITEM_MODELS[kind]
    item = get_object_or_404(model, pk=item_pk, application=application) if item_pk else None
    loaded = selectors.application_load(application=application)
    form_class = ITEM_FORMS[kind]
    schools = loaded.member_schools
    stale = None
    if request.method == "POST":
        action = request.POST.get("action", "continue")
        form = form_class(request.POST, application=application, schools=schools, partial=(action == "save"))
        if form.is_valid():
            data = dict(form.cleaned_data)
            if kind == "costs":
                data["amounts"] = form.amounts()
            url = reverse("applications:items", kwargs={"pk": pk, "kind": kind})
            response, stale = _save_step(
                request, form, application, kind,
                save=lambda: services.item_save(application=application, kind=kind, data=data, item=item,
                                                expected_version=_version(request), actor=request.user,
                                                form_token=request.POST.get("form_token", "")),
                done=lambda: redirect(url + ("?return=check" if request.GET.get("return") == "check" else "")),
                autosave_url=lambda saved: reverse("applications:item-edit",
                                                   kwargs={"pk": pk, "kind": kind, "item": saved.pk}))
            if response is not None:
                return response
    else:
        form = form_class(initial=_item_initial(kind, item), application=application, schools=schools)
    return render(request, "applications/item_form.html", {
        "application": application, "spec": BY_KEY[kind], "kind": kind, "name": ITEM_NAMES[kind], "item": item,
        "form": form, "stale": stale, "version": stale.version if stale else loaded.version(kind),
        "return_check": request.GET.get("return") == "check",
        "form_token": _form_token(request) if item_pk is None else ""})


def _form_token(request) -> str:
    """The "add" form's one-off token: kept across an error so the same form never adds twice."""
    import secrets

    posted = request.POST.get("form_token", "") if request.method == "POST" else ""
    return posted if posted.isalnum() and len(posted) <= 64 else secrets.token_hex(16)


@_editable
def item_add(request, application, pk, kind):
    return _item_form(request, application, pk, kind)


@_editable
def item_edit(request, application, pk, kind, item):
    return _item_form(request, application, pk, kind, item)


@_editable
def item_remove(request, application, pk, kind, item):
    _item_kind(kind)
    obj = get_object_or_404(services.ITEM_MODELS[kind], pk=item, application=application)
    loaded = selectors.application_load(application=application)
    if request.method == "POST":
        back = reverse("applications:items", kwargs={"pk": pk, "kind": kind})
        if request.POST.get("confirm") != "yes":
            return redirect(back)
        return run_action(request, lambda: services.item_remove(
            application=application, kind=kind, item=obj, expected_version=_version(request), actor=request.user),
            success_message=f"The {ITEM_NAMES[kind]} has been removed.", redirect_to=back)
    return render(request, "applications/item_remove.html", {
        "application": application, "kind": kind, "name": ITEM_NAMES[kind], "item": obj,
        "version": loaded.version(kind)})
