"""The check-your-answers summary: one card per section (and per item), built once from a Loaded application.

Used by the check page, the certifier's sign-off page and the read-only views on both sides.
"""

from dataclasses import dataclass, field

from django.urls import reverse

from sendfund.core.money import format_pounds
from sendfund.core.years import fy_label
from sendfund.formula import selectors as formula_selectors
from sendfund.funds.models import StreamKind

from .models import CostCategory, DocumentKind, Recurrence
from .sections import ITEM_NAMES, field_label
from .selectors import Loaded, cost_totals

#: What the capacity evidence card and page say before the council has run the formula for the year.
NOT_RUN = "The council has not yet run the formula for this year."


@dataclass
class Row:
    key: str
    value: object = ""  # a string, or a list of strings
    links: list = field(default_factory=list)  # [(text, href)]

    @property
    def is_list(self) -> bool:
        return isinstance(self.value, (list, tuple))


@dataclass
class Card:
    title: str
    rows: list[Row]
    change_url: str = ""
    change_label: str = ""
    key: str = ""


def _date(d) -> str:
    return f"{d.day} {d:%B %Y}" if d else "Not given"


def _answer(value) -> str:
    if value in (None, "", []):
        return "Not given"
    if value is True:
        return "Yes"
    if value == "yes":
        return "Yes"
    if value == "no":
        return "No"
    return str(value)


def _change(pk, key, *, is_list=False, item=None, kind=None):
    if item is not None:
        url = reverse("applications:item-edit", kwargs={"pk": pk, "kind": kind, "item": item})
    elif is_list:
        url = reverse("applications:items", kwargs={"pk": pk, "kind": key})
    else:
        url = reverse("applications:section", kwargs={"pk": pk, "key": key})
    return url + "?return=check"


def document_url(document, *, area: str) -> str:
    name = "applications:document" if area == "apply" else "applications:manage-document"
    return reverse(name, kwargs={"pk": document.application_id, "doc": document.pk})


def application_summary(*, loaded: Loaded, editable: bool, area: str = "apply", evidence=None,
                        only: str | None = None) -> list[Card]:
    """The cards, one per section (and item); with `only`, just that section's cards (and no other section's
    reads: the formula evidence is read only for its own section)."""
    app = loaded.application
    pk = app.pk
    cards: list[Card] = []
    schools = loaded.member_schools
    by_urn = {str(s.urn): s.name for s in schools}

    def text_card(key, title, skip=()):
        rows = [Row(field_label(key, name), _answer(value)) for name, value in loaded.answers(key).items()
                if name not in skip]
        if not rows:
            rows = [Row("Answers", "Not started")]
        return Card(title, rows, _change(pk, key) if editable else "", title.lower(), key)

    for spec in loaded.specs:
        key = spec.key
        if only is not None and key != only:
            continue
        if key == "cluster-details":
            cluster = app.cluster
            rows = [Row("Cluster", cluster.name),
                    Row("Host school", cluster.host_school.name if cluster.host_school else "Not recorded"),
                    Row("Cluster host", " ".join(x for x in [cluster.host_name, cluster.host_email] if x) or "Not recorded"),
                    Row("Cluster SEND lead", " ".join(x for x in [cluster.send_lead_name, cluster.send_lead_email] if x)
                        or "Not recorded"),
                    Row("Member schools", [s.name for s in schools] or "None recorded")]
            card = text_card(key, spec.title)
            card.rows = rows + [r for r in card.rows if r.key != "Answers"]
            cards.append(card)
        elif key == "funding":
            cards.append(Card(spec.title, [Row("Funding", app.streams_label)],
                              _change(pk, key) if editable else "", "funding", key))
        elif key == "evidence-capacity":
            card = text_card(key, spec.title)
            ev = evidence if evidence is not None else formula_selectors.cluster_capacity_evidence(cluster=app.cluster)
            ev_rows = ([Row("Formula evidence (worked out by the council)", list(ev.sentences))] if ev is not None
                       else [Row("Formula evidence", NOT_RUN)])
            card.rows = ev_rows + [r for r in card.rows if r.key != "Answers"]
            cards.append(card)
        elif key == "plans":
            card = text_card(key, spec.title)
            for kind in DocumentKind:
                docs = [d for d in loaded.documents if d.kind == kind]
                card.rows.append(Row(kind.label + " (file)", "" if docs else "No file uploaded",
                                     [(d.original_name, document_url(d, area=area)) for d in docs]))
            cards.append(card)
        elif spec.is_list:
            items = loaded.items[key]
            name = ITEM_NAMES[key]
            if not items:
                cards.append(Card(spec.title, [Row(spec.title, f"No {name} added")],
                                  _change(pk, key, is_list=True) if editable else "", spec.title.lower(), key))
            for number, item in enumerate(items, start=1):
                title = f"{name.capitalize()} {number}"
                if key == "activities":
                    rows = [Row("What", _answer(item.what)), Row("Who delivers it", _answer(item.delivered_by)),
                            Row("Schools that benefit", [s.name for s in item.schools.all()] or "None selected"),
                            Row("When", f"{_date(item.starts_on)} to {_date(item.ends_on)}")]
                elif key == "costs":
                    amounts = {a.financial_year: a.amount for a in item.amounts.all()}
                    rows = [Row("Funding", StreamKind(item.stream_kind).label if item.stream_kind else "Not given"),
                            Row("Kind of cost", CostCategory(item.category).label if item.category else "Not given"),
                            Row("Description", _answer(item.description))]
                    rows += [Row(fy_label(y), format_pounds(amounts.get(y)) or "£0.00") for y in app.financial_years]
                    rows.append(Row("One-off or recurring", Recurrence(item.recurrence).label if item.recurrence
                                    else "Not given"))
                else:
                    rows = [Row("Measure", _answer(item.measure)), Row("Baseline", _answer(item.baseline)),
                            Row("Target", _answer(item.target)), Row("By when", _date(item.by_when)),
                            Row("How it will be measured", _answer(item.how_measured))]
                cards.append(Card(f"{spec.title}: {title.lower()}", rows,
                                  _change(pk, key, item=item.pk, kind=key) if editable else "", title.lower(), key))
            if key == "costs" and items:
                totals = cost_totals(loaded=loaded)
                rows = [Row(f"{StreamKind(k).label}, {fy_label(y)}", format_pounds(totals["by_stream_year"].get((k, y), 0)))
                        for k in app.streams_requested for y in totals["years"]]
                rows += [Row(f"Total, {fy_label(y)}", format_pounds(v)) for y, v in totals["by_year"].items()]
                rows.append(Row("Total asked for", format_pounds(totals["total"])))
                cards.append(Card("Costs: totals", rows, "", "", key))
        elif key == "governance":
            answers = loaded.answers(key)
            rows = [Row(field_label(key, "how_agreed"), _answer(answers.get("how_agreed"))),
                    Row(field_label(key, "fund_holder"), by_urn.get(str(answers.get("fund_holder")), "Not given")),
                    Row(field_label(key, "conflicts"), answers.get("conflicts") or "None declared")]
            cards.append(Card(spec.title, rows, _change(pk, key) if editable else "", "governance", key))
        else:
            cards.append(text_card(key, spec.title))
    return cards
