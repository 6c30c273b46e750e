"""A council's own clusters: importing its membership list, and carrying memberships to a new academic year.

The import is all or nothing, like every importer here: a refusal names the file, the row and the column and the
database is left as it was. Carrying forward follows the GIAS successor links (a school that converted keeps its
cluster under its new URN) and lists the schools that closed or opened, for the officer to decide.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from sendfund.core.audit import audit_record
from sendfund.core.errors import DomainError
from sendfund.core.numbers import counted
from sendfund.core.years import academic_year_of, ay_label

from .models import Cluster, ClusterMembership, Phase, School, SchoolLink
from .services import _distance, _postcode_key, cluster_create, cluster_update, membership_set
from .tables import ImportFailed, ImportResult, _shown, read_table

_YEAR = re.compile(r"(20[0-9]{2})(?:[/-]([0-9]{2}))?", re.ASCII)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
OPTIONAL = ["host_urn", "host_email", "send_lead_email"]


def _school_key(table, number, column, text, by_urn, by_laestab) -> School | None:
    digits = text.replace("/", "").replace(" ", "")
    if not re.fullmatch(r"[0-9]{5,8}", digits, re.ASCII):
        table.fail(number, column, f"{_shown(text)} is not a URN (like 120777) or a LAESTAB (like 926/2000)")
    if column == "laestab" or len(digits) == 7 and "/" in text:
        return by_laestab.get(int(digits))
    return by_urn.get(int(digits))


EARLIEST_AY = 2000


def _alike(name: str) -> str:
    """A cluster name with case, accents, spaces and punctuation set aside: 'Ácle Academy cluster!' and 'Acle
    Academy Cluster' are alike."""
    return slugify(name).replace("-", "") or "".join(name.casefold().split())  # a name in another script


def cluster_memberships_import(*, path: Path | str, la_code: int, name: str | None = None, actor=None
                               ) -> ImportResult:
    """Load a council's cluster lists: columns `urn` (or `laestab`), `cluster`, `academic_year` (2022 or 2022/23),
    and optionally `host_urn`, `host_email`, `send_lead_email`. Each listed school is put in its cluster for that
    year (clusters are created as needed, as real clusters). Raises ImportFailed (file, row, column) for an unknown
    school, a school of another council, a closed school, a school in two clusters in one year, a bad year or email.
    """
    table = read_table(path, required=["cluster", "academic_year"], name=name)
    key = "urn" if "urn" in table.columns else "laestab" if "laestab" in table.columns else None
    if key is None:
        raise ImportFailed(f"{table.name}, row 1 (the header): the file needs a column urn or laestab to say which "
                           "school each row is about")
    schools = list(School.objects.all())
    by_urn = {s.urn: s for s in schools}
    by_laestab = {s.la_code * 10000 + s.estab: s for s in schools if s.estab is not None}
    seen: dict[tuple[int, int], tuple[int, str]] = {}
    rows = []
    for number, row in table.rows:
        school = _school_key(table, number, key, row[key], by_urn, by_laestab)
        if school is None:
            table.fail(number, key, f"{_shown(row[key])} is not a school in the registry; check the number, or run "
                                    "la_setup for the council first")
        if school.la_code != la_code:
            table.fail(number, key, f"{school.name} (URN {school.urn}) is a school of LA {school.la_code}, not of "
                                    f"this council (LA {la_code})")
        if not school.is_open:
            table.fail(number, key, f"{school.name} (URN {school.urn}) has closed; list the school that replaced it")
        cluster = row["cluster"].strip()
        if not cluster or len(cluster) > 150:
            table.fail(number, "cluster", "enter the cluster's name (up to 150 characters)")
        match = _YEAR.fullmatch(row["academic_year"])
        if not match or (match.group(2) and int(match.group(2)) != (int(match.group(1)) + 1) % 100):
            table.fail(number, "academic_year", f"{_shown(row['academic_year'])} is not an academic year like 2022 "
                                                "or 2022/23")
        year = int(match.group(1))
        if not EARLIEST_AY <= year <= academic_year_of(timezone.localdate()) + 1:
            table.fail(number, "academic_year", f"give a year from {ay_label(EARLIEST_AY)} to "
                                                f"{ay_label(academic_year_of(timezone.localdate()) + 1)} (next "
                                                "year's clusters may be loaded ahead, no further)")
        if (school.pk, year) in seen and seen[(school.pk, year)][1].lower() != cluster.lower():
            other_row, other = seen[(school.pk, year)]
            table.fail(number, "cluster", f"{school.name} (URN {school.urn}) is in two clusters in AY {year}/"
                                          f"{(year + 1) % 100:02d}: {other} (row {other_row}) and {cluster}")
        seen[(school.pk, year)] = (number, cluster)
        extras = {}
        for column in OPTIONAL:
            text = row.get(column, "")
            if not text:
                continue
            if column == "host_urn":
                host = _school_key(table, number, column, text, by_urn, by_laestab)
                if host is None or host.la_code != la_code:
                    table.fail(number, column, f"{_shown(text)} is not a school of this council")
                extras["host_school"] = host
            elif not _EMAIL.fullmatch(text) or len(text) > 254:
                table.fail(number, column, f"{_shown(text)} is not an email address like name@school.example")
            else:
                extras[column] = text
        rows.append((school, cluster, year, extras))
    if not rows:
        raise ImportFailed(f"{table.name}: the file has no rows")
    result = ImportResult(table.name, rows=len(rows))
    with transaction.atomic():
        clusters = {c.name.lower(): c for c in Cluster.objects.all()}
        alike = {_alike(c.name): c for c in clusters.values()}
        moved = []
        for school, name_, year, extras in rows:
            cluster = clusters.get(name_.lower())
            if cluster is None and _alike(name_) in alike:
                raise ImportFailed(f"{table.name}: the cluster name {name_!r} is too like {alike[_alike(name_)].name!r}"
                                   f"; use that cluster's name exactly, or a name that is clearly different")
            if cluster is None:
                cluster = clusters[name_.lower()] = cluster_create(name=name_, actor=actor)
                alike[_alike(name_)] = cluster
                result.created += 1
            if extras:
                cluster_update(cluster=cluster, actor=actor, **extras)
            current = (ClusterMembership.objects.filter(school=school, academic_year=year)
                       .values_list("cluster_id", "cluster__name").first())  # one read: unchanged, or moved from
            before = current is not None and current[0] == cluster.pk
            if current is not None and not before:
                moved.append(f"{school.name} (URN {school.urn}) from {current[1]} to {cluster.name} "
                             f"in {ay_label(year)}")
            membership_set(school=school, cluster=cluster, academic_year=year, actor=actor)
            if before:
                result.unchanged += 1
            else:
                result.updated += 1
        audit_record(actor=actor, verb="registry.memberships_imported", label=table.name,
                     after={"file": table.name, "sha256": table.sha256, "la_code": la_code, "rows": len(rows)})
    result.notes.append(f"{counted(result.created, 'cluster')} created; {counted(result.updated, 'membership')} set.")
    if moved:  # said, not done quietly: a move changes which cluster a school's figures count for
        result.notes.append(f"{counted(len(moved), 'school')} moved cluster: " + "; ".join(moved[:10])
                            + (f"; and {len(moved) - 10} more" if len(moved) > 10 else "") + ".")
    return result


# --- carrying memberships forward ----------------------------------------------------------------


@dataclass
class CarryForward:
    """What carrying a council's clusters from one academic year to another would do."""

    from_year: int
    to_year: int
    continuing: list[tuple[School, Cluster]] = field(default_factory=list)
    converted: list[tuple[School, School, Cluster]] = field(default_factory=list)  # old, successor, cluster
    closed: list[tuple[School, Cluster]] = field(default_factory=list)
    new: list[tuple[School, Cluster | None]] = field(default_factory=list)  # school, suggested cluster
    already: int = 0


def _in_census(la_code: int, year: int) -> set[int]:
    return set(School.objects.filter(la_code=la_code, figures__academic_year=year)
               .exclude(phase=Phase.INDEPENDENT).values_list("pk", flat=True).distinct())


def carry_forward_plan(*, la_code: int, from_year: int, to_year: int) -> CarryForward:
    """Schools of `from_year`'s clusters that are still in `to_year`'s census keep their cluster; a school that
    converted (a GIAS successor in that census) passes its cluster to its successor; the rest closed. State-funded
    schools of `to_year`'s census in no cluster are new: each is suggested the cluster of the nearest host
    (as docs/adr/0005 places schools), for the officer to confirm or change."""
    if to_year <= from_year:
        raise DomainError("Carry clusters forward to a later academic year", field="to_year")
    memberships = list(ClusterMembership.objects.filter(academic_year=from_year, school__la_code=la_code)
                       .select_related("school", "cluster"))
    if not memberships:
        raise DomainError(f"No school of LA {la_code} is in a cluster in the academic year starting {from_year}")
    present = _in_census(la_code, to_year)
    if not present:
        raise DomainError(f"The registry holds no census for the academic year starting {to_year}; import it first")
    taken = set(ClusterMembership.objects.filter(academic_year=to_year).values_list("school_id", flat=True))
    successors = {}
    for link in SchoolLink.objects.filter(school__in=[m.school for m in memberships], link_type__startswith="Successor"):
        successors.setdefault(link.school_id, []).append(link.link_urn)
    schools_by_urn = {s.urn: s for s in School.objects.filter(pk__in=present)}
    plan = CarryForward(from_year, to_year)
    placed = set()
    for m in sorted(memberships, key=lambda m: m.school.urn):
        if m.school_id in present:
            target, item = m.school, None
        else:
            nxt = next((schools_by_urn[u] for u in successors.get(m.school_id, []) if u in schools_by_urn), None)
            if nxt is None:
                plan.closed.append((m.school, m.cluster))
                continue
            target, item = nxt, (m.school, nxt, m.cluster)
        if target.pk in placed:
            continue
        placed.add(target.pk)
        if target.pk in taken:
            plan.already += 1
            continue
        if item:
            plan.converted.append(item)
        else:
            plan.continuing.append((m.school, m.cluster))
    hosts = {c.host_school_id: c for c in Cluster.objects.filter(memberships__academic_year=from_year,
                                                                 host_school__isnull=False).distinct()}
    carried_hosts = {}
    for school, cluster in plan.continuing:
        if hosts.get(school.pk) == cluster:
            carried_hosts[school.pk] = (school, cluster)
    for old, new, cluster in plan.converted:
        if hosts.get(old.pk) == cluster:
            carried_hosts[new.pk] = (new, cluster)
    host_keys = [(s, c, _postcode_key(s.postcode)) for s, c in carried_hosts.values() if _postcode_key(s.postcode)]
    by_pk = {s.pk: s for s in schools_by_urn.values()}
    for school in sorted((by_pk[pk] for pk in present - placed - taken), key=lambda s: s.urn):
        key = _postcode_key(school.postcode)
        suggestion = None
        if key and host_keys:
            suggestion = min(host_keys, key=lambda h: (h[0].district != school.district, _distance(key, h[2]), h[0].urn))[1]
        plan.new.append((school, suggestion))
    return plan


@transaction.atomic
def carry_forward_apply(*, la_code: int, from_year: int, to_year: int, new_schools: dict[int, Cluster | None],
                        actor=None) -> CarryForward:
    """Write the plan: continuing and converted schools keep their cluster in `to_year`; each new school goes to
    the cluster the officer chose for it (`new_schools`: URN -> cluster, or None to leave it out). Raises
    DomainError unless the officer decided every new school."""
    plan = carry_forward_plan(la_code=la_code, from_year=from_year, to_year=to_year)
    undecided = [s for s, _c in plan.new if s.urn not in new_schools]
    if undecided:
        raise DomainError(f"Decide which cluster each new school joins, or leave it out: "
                          f"{', '.join(f'{s.name} (URN {s.urn})' for s in undecided[:5])}"
                          + (f" and {len(undecided) - 5} more" if len(undecided) > 5 else ""))
    for school, cluster in plan.continuing:
        membership_set(school=school, cluster=cluster, academic_year=to_year, actor=actor)
    for _old, new, cluster in plan.converted:
        membership_set(school=new, cluster=cluster, academic_year=to_year, actor=actor)
    for school, _suggested in plan.new:
        chosen = new_schools[school.urn]
        if chosen is not None:
            membership_set(school=school, cluster=chosen, academic_year=to_year, actor=actor)
    audit_record(actor=actor, verb="registry.memberships_carried_forward", label=f"LA {la_code}",
                 after={"from_year": from_year, "to_year": to_year, "continuing": len(plan.continuing),
                        "converted": [[o.urn, n.urn] for o, n, _c in plan.converted],
                        "closed": [s.urn for s, _c in plan.closed],
                        "new": {str(u): (c.name if c else None) for u, c in new_schools.items()}})
    return plan
