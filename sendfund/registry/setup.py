"""Setting up any English council from the shipped national files, in one step (`manage.py la_setup --la 873`).

Every step is an importer that is all or nothing and changes nothing when run again, so a setup that stops part
way can simply be run again. `progress` is told each step as it finishes (the administrator's page shows them).
"""

import csv
import gzip
import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction

from sendfund.accounts.services import organisation_for_la
from sendfund.core.audit import audit_record
from sendfund.core.errors import DomainError
from sendfund.core.years import ay_label

from .census import census_import
from .importers import links_import, spine_import
from .memberships import carry_forward_apply, carry_forward_plan
from .models import ClusterMembership, Council, CouncilSetup, School
from .services import demo_clusters_build
from .tables import ImportFailed

DATA = Path(settings.BASE_DIR) / "data"
SPC_2023 = DATA / "dfe-school-census-2023" / "spc_2022-23_england_reduced.csv.gz"
CENSUS_2019 = DATA / "dfe-school-census-2019" / "england_census_2018-19.csv"
SEN_2023 = DATA / "dfe-sen-school-level" / "sen_school_level_2022-23_england_with_urn.csv.gz"
SPINE_2018 = DATA / "dfe-school-census-2019" / "england_spine_2017-18_norfolk.csv"
LINKS = DATA / "gias-norfolk" / "gias_links_norfolk_20250422.csv"
ABSENCE_2019 = DATA / "dfe-school-outcomes" / "england_abs_2018-19.csv.gz"
KS4_2019 = DATA / "dfe-school-outcomes" / "england_ks4provisional_2018-19_reduced.csv.gz"
LA_LIST = DATA / "lait-la-indicators" / "la_code_list.csv"

# The census years shipped: (academic year, files in the order they load). SPC 2023 first: it names the schools.
CENSUS_FILES = [(2022, [SPC_2023, SEN_2023]), (2018, [CENSUS_2019])]
OUTCOME_FILES = [(2018, [ABSENCE_2019, KS4_2019])]


@dataclass(frozen=True)
class LocalAuthority:
    la_code: int
    name: str  # the DfE's name, e.g. "Cambridgeshire"
    area_code: str  # e.g. E10000003
    kind: str  # SC, MD, UA, ILB, OLB


def _read_gz_csv(path: Path):
    return csv.DictReader(io.StringIO(gzip.decompress(path.read_bytes()).decode("utf-8")))


@cache
def _local_authorities() -> dict[int, LocalAuthority]:
    kinds = {}
    with LA_LIST.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if row["LA Number"].isdigit() and row["Type"]:
                kinds[int(row["LA Number"])] = row["Type"]
    out = {}
    for row in _read_gz_csv(SPC_2023):
        code = int(row["old_la_code"])
        if code not in out:
            out[code] = LocalAuthority(code, row["la_name"], row["new_la_code"], kinds.get(code, ""))
    return out


def local_authority(*, la_code: int) -> LocalAuthority:
    """The LA's name and ONS code from the shipped files. Raises DomainError for a code that is not an English LA."""
    found = _local_authorities().get(la_code)
    if found is None:
        raise DomainError(f"{la_code} is not the code of an English local authority with schools in the January "
                          "2023 census; use the DfE's 3-digit LA code, for example 926 for Norfolk", field="la")
    return found


def council_name(la: LocalAuthority) -> str:
    """How the council is usually named: 'Cambridgeshire County Council', 'London Borough of Hackney'."""
    if la.la_code == 201:
        return "City of London Corporation"
    if la.name.endswith(", City of"):  # the DfE's "Bristol, City of"
        return f"{la.name.removesuffix(', City of')} City Council"
    if la.name.endswith(", County of"):
        return f"{la.name.removesuffix(', County of')} Council"
    if la.kind == "SC":
        return f"{la.name} County Council"
    if la.kind in ("ILB", "OLB") and not la.name.startswith(("Kensington", "Kingston", "Westminster")):
        return f"London Borough of {la.name}"
    return f"{la.name} Council"


@transaction.atomic
def council_set(*, la_code: int, org_id: str = "", actor=None) -> Council:
    """Make the site run for this LA: its name and area code follow the LA code. One council per site."""
    la = local_authority(la_code=la_code)
    name = council_name(la)
    other = Council.objects.exclude(la_code=la_code).first()
    if other is not None:
        raise DomainError(f"This site is set up for {other.name} (LA {other.la_code}); a site runs for one council")
    council, created = Council.objects.get_or_create(la_code=la_code, defaults={
        "name": name, "area_code": la.area_code, "org_id": org_id})
    if not created and org_id and council.org_id != org_id:
        council.org_id = org_id
        council.save(update_fields=["org_id", "updated_at"])
    if created:
        audit_record(actor=actor, verb="registry.council_set", target=council,
                     after={"la_code": la_code, "name": name, "area_code": la.area_code, "org_id": org_id})
    organisation_for_la(name=name)
    return council


def la_setup(*, la_code: int, org_id: str = "", build_clusters: bool = True, actor=None,
             progress: Callable[[str], None] = lambda text: None) -> Council:
    """Load an LA's schools (names, phases, types, postcodes, trusts), every census year shipped, the 2018-19
    outcomes and GIAS links, then build illustrative clusters for each census year that has no clusters yet.
    Raises DomainError (for example ImportFailed) naming the step's file, row and column."""
    council = council_set(la_code=la_code, org_id=org_id, actor=actor)
    progress(f"Council: {council.name} (LA {la_code}, {council.area_code}).")
    if SPINE_2018.exists():
        try:
            progress(spine_import(path=SPINE_2018, la_code=la_code, actor=actor).summary())
        except ImportFailed as exc:
            if "has no rows for LA code" not in exc.message:
                raise
    for year, files in CENSUS_FILES:
        for path in files:
            progress(census_import(path=path, la_code=la_code, academic_year=year, add_missing_schools=True,
                                   actor=actor).summary())
    progress(links_import(path=LINKS, actor=actor).summary())
    for year, files in OUTCOME_FILES:
        for path in files:
            progress(census_import(path=path, la_code=la_code, academic_year=year, skip_unknown_schools=True,
                                   actor=actor).summary())
    if build_clusters:
        _illustrative_clusters(la_code=la_code, actor=actor, progress=progress)
    named = School.objects.filter(la_code=la_code).exclude(name__startswith="School URN").count()
    progress(f"Done: {named} of {School.objects.filter(la_code=la_code).count()} schools named.")
    return council


def _illustrative_clusters(*, la_code: int, actor, progress: Callable[[str], None]) -> None:
    """When the council has loaded no clusters of its own: build them for the earliest census year held, then
    carry them forward to each later census year (successors keep their school's cluster; a new school joins the
    nearest host's cluster), so the same clusters can be compared across years."""
    if ClusterMembership.objects.filter(school__la_code=la_code).exclude(cluster__is_illustrative=True).exists():
        progress("The council's own clusters are loaded, so no illustrative clusters were built.")
        return
    years = sorted(year for year, _files in CENSUS_FILES)
    held = set(ClusterMembership.objects.filter(school__la_code=la_code).values_list("academic_year", flat=True))
    first = years[0]
    if first not in held:
        clusters = demo_clusters_build(la_code=la_code, academic_year=first, actor=actor)
        progress(f"{ay_label(first)}: {len(clusters)} illustrative clusters built.")
    for before, year in zip(years, years[1:], strict=False):
        if year in held:
            continue
        plan = carry_forward_plan(la_code=la_code, from_year=before, to_year=year)
        carry_forward_apply(la_code=la_code, from_year=before, to_year=year, actor=actor,
                            new_schools={s.urn: c for s, c in plan.new})
        progress(f"{ay_label(year)}: clusters carried forward from {ay_label(before)}: {len(plan.continuing)} schools "
                 f"stay, {len(plan.converted)} converted, {len(plan.closed)} closed, {len(plan.new)} new.")


@transaction.atomic
def council_setup_start(*, la_code: int, org_id: str = "", actor=None) -> CouncilSetup:
    """Start setting up a council in the background (the page shows its progress). Raises DomainError for an LA
    code that is not an English LA, or when the site already runs for another council."""
    la = local_authority(la_code=la_code)
    other = Council.objects.exclude(la_code=la_code).first()
    if other is not None:
        raise DomainError(f"This site is set up for {other.name} (LA {other.la_code}); a site runs for one council",
                          field="la_code")
    if CouncilSetup.objects.filter(status__in=[CouncilSetup.Status.QUEUED, CouncilSetup.Status.RUNNING]).exists():
        raise DomainError("A setup is already running; wait for it to finish", field="la_code")
    setup = CouncilSetup.objects.create(la_code=la_code, org_id=org_id,
                                        started_by=actor if getattr(actor, "is_authenticated", False) else None)
    audit_record(actor=actor, verb="registry.council_setup_started", target=setup,
                 after={"la_code": la_code, "council": council_name(la), "org_id": org_id})
    from .tasks import council_setup_run

    transaction.on_commit(lambda: council_setup_run.enqueue(setup_id=setup.pk))
    return setup
