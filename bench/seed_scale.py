"""Seed a database with realistic casework at scale, fast, for the web benchmark.

    DJANGO_SETTINGS_MODULE=config.settings.production ... .venv/bin/python bench/seed_scale.py --applications 3000

It loads the demo (real Norfolk schools, clusters, the fund, a round, and one case in every state,
each taken there through the services, so every row obeys the models' rules), then copies those
templates in bulk: applications with every section answered, their activities, cost lines and
amounts, outcomes and documents; cases in every state with their award lines, meetings, declarations,
reviews and scores, information requests, instalments, ledger entries (commitments and payments
against pots allocated large enough that nothing is over-committed) and their audit history. Each
copy gets its own reference, cluster and round (one application per cluster and round, as the
application rules require), so the copies are as the services would have made them.
"""

from __future__ import annotations

import argparse
import itertools
import os
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BATCH = 500


def _rows(model, **lookup) -> list[dict]:
    """Concrete field values (by attname) of the matching rows, oldest first."""
    return list(model.objects.filter(**lookup).order_by("pk").values(*[f.attname for f in model._meta.concrete_fields]))


def _copy(model, rows: list[dict], **changes) -> object:
    data = {k: v for k, v in rows.items() if k != "id"} if isinstance(rows, dict) else rows
    data.update(changes)
    return model(**data)


def seed(applications: int, *, stdout=sys.stdout) -> dict:
    """Add `applications` applications (with their cases) to a database holding the demo. Returns counts."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction

    from sendfund.applications.models import (
        Activity,
        Application,
        CostAmount,
        CostLine,
        Document,
        Outcome,
        ReferenceCounter,
        Section,
    )
    from sendfund.casework.models import (
        AwardLine,
        Case,
        ConflictDeclaration,
        InformationRequest,
        Instalment,
        Meeting,
        Review,
        Score,
    )
    from sendfund.core.models import AuditEvent
    from sendfund.funds.models import EntryKind, LedgerEntry, Pot, Round
    from sendfund.registry.models import Cluster

    started = time.perf_counter()
    templates = list(Application.objects.filter(reference__isnull=False).order_by("pk"))
    if not templates:
        raise SystemExit("Load the demo first (manage.py demo_setup).")
    clusters = list(Cluster.objects.order_by("pk").values_list("pk", flat=True))
    demo_round = Round.objects.order_by("pk").first()
    per_round = len(clusters)
    rounds_needed = -(-applications // per_round)
    app_type = ContentType.objects.get_for_model(Application)
    case_type = ContentType.objects.get_for_model(Case)

    # What each template holds, read once.
    graph = {}
    for t in templates:
        case = Case.objects.filter(application=t).first()
        g = {
            "application": _rows(Application, pk=t.pk)[0],
            "sections": _rows(Section, application=t),
            "activities": _rows(Activity, application=t),
            "activity_schools": {a["id"]: list(Activity.schools.through.objects.filter(activity_id=a["id"])
                                               .values_list("school_id", flat=True))
                                 for a in _rows(Activity, application=t)},
            "cost_lines": _rows(CostLine, application=t),
            "cost_amounts": _rows(CostAmount, cost_line__application=t),
            "outcomes": _rows(Outcome, application=t),
            "documents": _rows(Document, application=t),
            "audit_app": _rows(AuditEvent, target_type=app_type, target_id=str(t.pk)),
            "case": _rows(Case, pk=case.pk)[0] if case else None,
        }
        if case:
            g.update({
                "lines": _rows(AwardLine, case=case), "meeting": _rows(Meeting, case=case),
                "attendees": list(Meeting.la_attendees.through.objects.filter(meeting__case=case)
                                  .values_list("user_id", flat=True)),
                "declarations": _rows(ConflictDeclaration, case=case), "reviews": _rows(Review, case=case),
                "scores": _rows(Score, review__case=case), "requests": _rows(InformationRequest, case=case),
                "instalments": _rows(Instalment, case=case), "ledger": _rows(LedgerEntry, reference=case.reference),
                "audit_case": _rows(AuditEvent, target_type=case_type, target_id=str(case.pk)),
            })
        graph[t.pk] = g

    with transaction.atomic():
        # Rounds: one application per cluster and round.
        rounds = Round.objects.bulk_create([
            Round(fund_id=demo_round.fund_id, name=f"Benchmark round {n + 1}", opens_on=demo_round.opens_on,
                  closes_on=demo_round.closes_on) for n in range(rounds_needed)])
        through = Round.streams.through
        stream_ids = list(demo_round.streams.values_list("pk", flat=True))
        through.objects.bulk_create([through(round_id=r.pk, stream_id=s) for r in rounds for s in stream_ids])
        # Pots big enough for every award: allocate what the copies will commit, per pot.
        committed: dict[int, Decimal] = defaultdict(Decimal)
        counter = ReferenceCounter.objects.select_for_update().order_by("-year").first()
        year = counter.year
        next_number = counter.last + 1
        order = list(itertools.islice(itertools.cycle(templates), applications))
        made = defaultdict(int)
        for start in range(0, applications, BATCH):
            batch = order[start:start + BATCH]
            apps, refs = [], []
            for i, t in enumerate(batch, start=start):
                g = graph[t.pk]
                reference = f"SCF-{year}-{next_number + i:04d}"
                refs.append(reference)
                apps.append(_copy(Application, dict(g["application"]), reference=reference,
                                  cluster_id=clusters[i % per_round], round_id=rounds[i // per_round].pk))
            apps = Application.objects.bulk_create(apps)
            sections, outcomes, documents, audit = [], [], [], []
            for app, t in zip(apps, batch, strict=True):
                g = graph[t.pk]
                sections += [_copy(Section, dict(r), application_id=app.pk) for r in g["sections"]]
                outcomes += [_copy(Outcome, dict(r), application_id=app.pk) for r in g["outcomes"]]
                documents += [_copy(Document, dict(r), application_id=app.pk) for r in g["documents"]]
                audit += [_copy(AuditEvent, dict(r), target_id=str(app.pk), target_label=app.reference)
                          for r in g["audit_app"]]
            Section.objects.bulk_create(sections)
            Outcome.objects.bulk_create(outcomes)
            Document.objects.bulk_create(documents)
            # Activities and their schools, cost lines and their amounts.
            pairs = [(app, t, r) for app, t in zip(apps, batch, strict=True) for r in graph[t.pk]["activities"]]
            activities = Activity.objects.bulk_create([_copy(Activity, dict(r), application_id=app.pk)
                                                       for app, _t, r in pairs])
            Activity.schools.through.objects.bulk_create([
                Activity.schools.through(activity_id=new.pk, school_id=s)
                for new, (_a, t, r) in zip(activities, pairs, strict=True)
                for s in graph[t.pk]["activity_schools"][r["id"]]])
            pairs = [(app, t, r) for app, t in zip(apps, batch, strict=True) for r in graph[t.pk]["cost_lines"]]
            lines_ = CostLine.objects.bulk_create([_copy(CostLine, dict(r), application_id=app.pk)
                                                   for app, _t, r in pairs])
            CostAmount.objects.bulk_create([
                _copy(CostAmount, dict(a), cost_line_id=new.pk)
                for new, (_app, t, r) in zip(lines_, pairs, strict=True)
                for a in graph[t.pk]["cost_amounts"] if a["cost_line_id"] == r["id"]])
            # Cases and everything they hold.
            with_case = [(app, t) for app, t in zip(apps, batch, strict=True) if graph[t.pk]["case"]]
            cases = Case.objects.bulk_create([_copy(Case, dict(graph[t.pk]["case"]), application_id=app.pk,
                                                    cluster_id=app.cluster_id, reference=app.reference)
                                              for app, t in with_case])
            award, meetings, declarations, requests, instalments, ledger = [], [], [], [], [], []
            review_pairs = []
            for case, (_app, t) in zip(cases, with_case, strict=True):
                g = graph[t.pk]
                award += [_copy(AwardLine, dict(r), case_id=case.pk) for r in g["lines"]]
                meetings += [(_copy(Meeting, dict(r), case_id=case.pk), g["attendees"]) for r in g["meeting"]]
                declarations += [_copy(ConflictDeclaration, dict(r), case_id=case.pk) for r in g["declarations"]]
                requests += [_copy(InformationRequest, dict(r), case_id=case.pk) for r in g["requests"]]
                review_pairs += [(case, t, r) for r in g["reviews"]]
                for r in g["ledger"]:
                    ledger.append((case, t, r))
                    if r["kind"] == EntryKind.COMMITMENT:
                        committed[r["pot_id"]] += r["amount"]
                audit += [_copy(AuditEvent, dict(r), target_id=str(case.pk), target_label=case.reference)
                          for r in g["audit_case"]]
            AwardLine.objects.bulk_create(award)
            made_meetings = Meeting.objects.bulk_create([m for m, _a in meetings])
            Meeting.la_attendees.through.objects.bulk_create([
                Meeting.la_attendees.through(meeting_id=m.pk, user_id=u)
                for m, (_m, people) in zip(made_meetings, meetings, strict=True) for u in people])
            ConflictDeclaration.objects.bulk_create(declarations)
            InformationRequest.objects.bulk_create(requests)
            reviews = Review.objects.bulk_create([_copy(Review, dict(r), case_id=case.pk) for case, _t, r in review_pairs])
            Score.objects.bulk_create([_copy(Score, dict(s), review_id=new.pk)
                                       for new, (_c, t, r) in zip(reviews, review_pairs, strict=True)
                                       for s in graph[t.pk]["scores"] if s["review_id"] == r["id"]])
            entries = LedgerEntry.objects.bulk_create([_copy(LedgerEntry, dict(r), reference=case.reference)
                                                       for case, _t, r in ledger])
            entry_of = {(case.pk, r["id"]): e.pk for e, (case, _t, r) in zip(entries, ledger, strict=True)}
            for case, (_app, t) in zip(cases, with_case, strict=True):
                for r in graph[t.pk]["instalments"]:
                    entry = entry_of.get((case.pk, r["ledger_entry_id"])) if r["ledger_entry_id"] else None
                    instalments.append(_copy(Instalment, dict(r), case_id=case.pk, ledger_entry_id=entry))
            Instalment.objects.bulk_create(instalments)
            AuditEvent.objects.bulk_create(audit)
            made["applications"] += len(apps)
            made["cases"] += len(cases)
            made["audit events"] += len(audit)
            stdout.write(f"  {made['applications']:,} applications, {made['cases']:,} cases "
                         f"({time.perf_counter() - started:.0f} s)\n")
        # Allocate what the copies committed, so every pot's balance stays within its allocation.
        LedgerEntry.objects.bulk_create([
            LedgerEntry(pot_id=pot_id, kind=EntryKind.ALLOCATION, amount=amount, source="benchmark",
                        note="Allocated for the benchmark's copies of the demo's awards")
            for pot_id, amount in committed.items() if amount > 0])
        ReferenceCounter.objects.filter(pk=counter.pk).update(last=next_number + applications - 1)
        assert Pot.objects.count() > 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    made["seconds"] = round(time.perf_counter() - started, 1)
    return dict(made)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--applications", type=int, default=3000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("demo_setup", stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(seed(args.applications))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
