"""Writes for clusters and their membership. Each change writes an audit event."""

import re
import unicodedata
from collections import defaultdict

from django.db import transaction
from django.utils.text import slugify

from sendfund.core.audit import audit_record, model_values
from sendfund.core.errors import DomainError

from .models import Cluster, ClusterMembership, Phase, School

CLUSTER_FIELDS = ["name", "host_school_id", "host_name", "host_email", "send_lead_name", "send_lead_email"]


def _cluster_values(cluster: Cluster) -> dict:
    """A cluster as its audit events carry it: the fields, and the host school's name for the history."""
    return {**model_values(cluster, CLUSTER_FIELDS),
            "host_school": cluster.host_school.name if cluster.host_school_id else ""}


def _cluster_name(name: str, *, other_than: Cluster | None = None) -> str:
    """A cluster's name as it is kept (trimmed). Raises DomainError (field "name") when it is empty, longer than
    150 characters, holds a control character (which PostgreSQL could not store, in NUL's case), or another
    cluster has it in any case."""
    name = name.strip()
    if not name:
        raise DomainError("Enter the cluster's name", field="name")
    if len(name) > 150:
        raise DomainError("The cluster's name must be 150 characters or fewer", field="name")
    if any(unicodedata.category(c) in ("Cc", "Cs") for c in name):  # NUL, tabs, line breaks, broken characters
        raise DomainError("The cluster's name must be on one line, with no hidden control characters",
                          field="name")
    taken = Cluster.objects.filter(name__iexact=name)
    if other_than is not None:
        taken = taken.exclude(pk=other_than.pk)
    if taken.exists():
        raise DomainError(f"There is already a cluster called {name}", field="name")
    return name


def _cluster_code(name: str) -> str:
    """The cluster's address in URLs, made once from its name: letters, digits and hyphens, at most 60, never
    empty (a name in another script, or of symbols only, gives "cluster"), and not another cluster's ("-2", "-3"
    ... added when two names give the same, as "Acle & District" and "Acle District" do). One query or a few."""
    base = slugify(name)[:60].strip("-") or "cluster"
    taken = set(Cluster.objects.filter(code__startswith=base).values_list("code", flat=True))
    code, n = base, 1
    while code in taken:
        n += 1
        suffix = f"-{n}"
        code = base[:60 - len(suffix)].rstrip("-") + suffix
    return code


@transaction.atomic
def cluster_create(*, name: str, host_school: School | None = None, actor=None, is_illustrative: bool = False,
                   **contacts) -> Cluster:
    """Create a cluster, with a code for its URLs made from its name (`_cluster_code`). Returns the Cluster.
    Raises DomainError (field "name") when the name is empty, too long or taken (`_cluster_name`)."""
    name = _cluster_name(name)
    cluster = Cluster.objects.create(code=_cluster_code(name), name=name, host_school=host_school,
                                     is_illustrative=is_illustrative, **contacts)
    audit_record(actor=actor, verb="cluster.created", target=cluster, after=_cluster_values(cluster))
    return cluster


@transaction.atomic
def cluster_update(*, cluster: Cluster, actor=None, **changes) -> Cluster:
    """Change a cluster's name, host school or contacts; the audit event keeps the old values. Its code (its
    URLs) stays. Returns the Cluster, saved. Raises DomainError when `changes` names any other field, or a new
    name is empty, too long or another cluster's (`_cluster_name`)."""
    unknown = set(changes) - {"name", "host_school", "host_name", "host_email", "send_lead_name", "send_lead_email"}
    if unknown:
        raise DomainError(f"Cannot change {', '.join(sorted(unknown))} here")
    if "name" in changes:
        changes["name"] = _cluster_name(changes["name"], other_than=cluster)
    before = _cluster_values(cluster)
    for key, value in changes.items():
        setattr(cluster, key, value)
    cluster.save()
    after = _cluster_values(cluster)
    if before != after:
        audit_record(actor=actor, verb="cluster.updated", target=cluster, before=before, after=after)
    return cluster


@transaction.atomic
def membership_set(*, school: School, cluster: Cluster, academic_year: int, actor=None) -> ClusterMembership:
    """Put a school in a cluster for an academic year (moving it if it was in another). Returns the
    ClusterMembership (as it was, with no audit event, when the school is in that cluster already). Raises
    nothing."""
    current = ClusterMembership.objects.filter(school=school, academic_year=academic_year).first()
    if current and current.cluster_id == cluster.pk:
        return current
    before = {"cluster": current.cluster.name} if current else None
    if current:
        current.cluster = cluster
        current.save(update_fields=["cluster"])
        membership = current
    else:
        membership = ClusterMembership.objects.create(school=school, cluster=cluster, academic_year=academic_year)
    audit_record(actor=actor, verb="cluster.membership_set", target=school, before=before,
                 after={"cluster": cluster.name, "academic_year": academic_year})
    return membership


# --- illustrative demo clusters ------------------------------------------------------------------

_POSTCODE = re.compile(r"^([A-Z]{1,2})(\d{1,2})[A-Z]?\s*(\d)")


def _postcode_key(postcode: str) -> tuple[str, int, int] | None:
    match = _POSTCODE.match(postcode.upper().strip())
    if not match:
        return None
    return match.group(1), int(match.group(2)), int(match.group(3))


def _distance(a: tuple[str, int, int], b: tuple[str, int, int]) -> tuple[int, int, int]:
    """A rough nearness between two postcodes: same area first, then district number, then sector."""
    return (0 if a[0] == b[0] else 1, abs(a[1] - b[1]), abs(a[2] - b[2]))


def demo_clusters_build(*, la_code: int, academic_year: int, actor=None) -> list[Cluster]:
    """Group an LA's state-funded schools into illustrative clusters around its secondary schools.

    Real cluster lists are not public. Each state-funded secondary school in the year's census hosts one cluster;
    every other state-funded school joins the nearest host: in the same local government district first (the
    census names it), then by postcode (same area, nearest district number, nearest sector); ties go to the lower
    URN. It works for any English council whose schools have postcodes (the January 2023 census gives them).
    Documented in docs/adr/0005-illustrative-clusters.md. Running it again changes nothing.

    Returns the clusters, in their host schools' URN order. Raises DomainError when there is no
    state-funded secondary (or all-through) school with a postcode to host a cluster, or when cluster_create refuses a host's
    cluster name (a cluster already has it in other capitals). A name whose slug another cluster's code
    already has fails on the database's unique constraint (IntegrityError).
    """
    candidates = School.objects.filter(la_code=la_code).exclude(phase=Phase.INDEPENDENT)
    in_census = candidates.filter(figures__academic_year=academic_year).distinct()
    # Schools in that year's census (some have closed since); with no census yet, the open schools.
    schools = list(in_census) if in_census.exists() else list(candidates.filter(is_open=True))
    hosts = sorted((s for s in schools if s.phase in (Phase.SECONDARY, Phase.ALL_THROUGH) and _postcode_key(s.postcode)),
                   key=lambda s: s.urn)
    if not hosts:
        raise DomainError(f"LA {la_code} has no state-funded secondary school with a postcode in the census for the "
                          f"academic year starting {academic_year}, so there is nothing to build clusters around; "
                          "load the council's own cluster list instead")
    clusters = {}
    with transaction.atomic():
        for host in hosts:
            name = f"{host.name} cluster"
            cluster = Cluster.objects.filter(host_school=host).first() or Cluster.objects.filter(name=name).first()
            if cluster is None:
                cluster = cluster_create(name=name, host_school=host, actor=actor, is_illustrative=True)
            clusters[host.pk] = cluster
        host_keys = [(h, h.district, _postcode_key(h.postcode)) for h in hosts]
        placed = defaultdict(int)
        for school in sorted(schools, key=lambda s: s.urn):
            if school.pk in clusters:
                target = clusters[school.pk]
            else:
                key = _postcode_key(school.postcode)
                if key is None:
                    continue
                host = min(host_keys, key=lambda hk: (hk[1] != school.district, _distance(key, hk[2]), hk[0].urn))[0]
                target = clusters[host.pk]
            membership_set(school=school, cluster=target, academic_year=academic_year, actor=actor)
            placed[target.pk] += 1
    return list(clusters.values())
