"""The awarded grants as a 360Giving data package (docs/adr/0040-open-data-identifiers.md).

Built only from selectors of lower apps. What is published: identifiers, amounts, dates, the stream, the
cluster's and the school's names and the council's area. What is never published: people's names or emails,
and no text a user typed (each grant is described from its stream, cluster and amounts only).
"""

import datetime as dt
import json
import tempfile
import warnings
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from sendfund.casework.selectors import published_awards
from sendfund.core.money import format_pounds
from sendfund.core.years import fy_bounds, fy_label
from sendfund.funds.selectors import reference_paid_and_changed
from sendfund.registry.selectors import council, schools_by_urn

SCHEMA_DIR = Path(settings.BASE_DIR) / "data" / "360giving" / "schema"
STANDARD_VERSION = "1.4"
LICENCE_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
PROGRAMME_TITLES = {"capacity": "SEND cluster funding: capacity stream",
                    "development": "SEND cluster funding: development stream"}
# The 360Giving geoCodeType codelist names a council's area by the kind of its GSS code.
GEO_CODE_TYPES = {"E06": "UA", "E07": "NMD", "E08": "MD", "E09": "LONB", "E10": "CTY", "W06": "UA"}
SEND_CLASSIFICATION = {"vocabulary": "SendFund:theme", "code": "SEND",
                       "title": "Special educational needs and disabilities (SEND)"}


def _number(amount: Decimal) -> int | float:
    """Money as a JSON number: whole pounds as integers, else pounds and pence."""
    amount = Decimal(amount).quantize(Decimal("0.01"))
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _datetime(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def geo_code_type(area_code: str) -> str:
    return GEO_CODE_TYPES.get(area_code[:3], "")


def _fund_holder_urn(case) -> int | None:
    """The URN the application's governance section names as the school holding the money, if any."""
    for section in case.application.governance_sections:
        urn = str(section.answers.get("fund_holder") or "")
        if urn.isdigit():
            return int(urn)
    return None


def _recipient_school(case, schools: dict):
    """The school that holds the money: the governance answer's fund holder, else the cluster's host school."""
    return schools.get(_fund_holder_urn(case)) or case.cluster.host_school


def _planned_dates(case, years: list[int]) -> list[dict]:
    activities = [a for a in case.application.activities.all() if a.starts_on and a.ends_on]
    if activities:
        start, end = min(a.starts_on for a in activities), max(a.ends_on for a in activities)
    else:
        start, end = fy_bounds(min(years))[0], fy_bounds(max(years))[1]
    return [{"startDate": start.isoformat(), "endDate": end.isoformat()}]


def _grant(case, *, the_council, prefix: str, school, paid: Decimal, changed) -> dict | None:
    lines = [ln for ln in case.lines.all() if ln.decided]
    if not lines or school is None:
        return None
    kinds = sorted({ln.stream.kind for ln in lines})
    years = sorted({ln.financial_year for ln in lines})
    awarded = sum((ln.decided for ln in lines), Decimal(0))
    applied = sum((ln.requested for ln in case.lines.all()), Decimal(0))
    streams = " and ".join(kinds)
    year_text = " and ".join(fy_label(y) for y in years)
    location = {"name": the_council.name, "countryCode": "GB"}
    if the_council.area_code:
        location["geoCode"] = the_council.area_code
        if geo_code_type(the_council.area_code):
            location["geoCodeType"] = geo_code_type(the_council.area_code)
    modified = max(filter(None, (case.updated_at, changed)))
    return {
        "id": f"{prefix}-{case.reference}",
        "title": f"SEND cluster funding ({streams}) for {case.cluster.name}",
        "description": (f"A grant from {the_council.name}'s SEND cluster funding to {case.cluster.name}, a cluster of "
                        f"schools, held by {school.name}: the {streams} stream{'s' if len(kinds) > 1 else ''} for "
                        f"{year_text}. {format_pounds(awarded)} awarded of {format_pounds(applied)} applied for."),
        "currency": "GBP",
        "amountAppliedFor": _number(applied),
        "amountAwarded": _number(awarded),
        "amountDisbursed": _number(paid),
        "awardDate": timezone.localdate(case.decided_at).isoformat(),
        "plannedDates": _planned_dates(case, years),
        "recipientOrganization": [{"id": f"GB-EDU-{school.urn}", "name": school.name}],
        "fundingOrganization": [{"id": the_council.org_id, "name": the_council.name}],
        "grantProgramme": [{"code": kind, "title": PROGRAMME_TITLES[kind]} for kind in kinds],
        "beneficiaryLocation": [location],
        "classifications": [SEND_CLASSIFICATION],
        "fromOpenCall": "Yes",
        "dateModified": _datetime(modified),
    }


def grants_package(*, prefix: str | None = None) -> dict:
    """The 360Giving package of every published grant. No grants until the council and its org-id are set up."""
    prefix = prefix or settings.SENDFUND_360G_PREFIX
    the_council = council()
    grants: list[dict] = []
    if the_council is not None and the_council.org_id:
        cases = published_awards()
        schools = schools_by_urn(urns={urn for case in cases if (urn := _fund_holder_urn(case))})
        ledger = reference_paid_and_changed(references=[c.reference for c in cases])
        for case in cases:
            paid, changed = ledger.get(case.reference, (Decimal(0), None))
            grant = _grant(case, the_council=the_council, prefix=prefix, school=_recipient_school(case, schools),
                           paid=paid, changed=changed)
            if grant is not None:
                grants.append(grant)
    package = {"grants": grants, "version": STANDARD_VERSION, "license": LICENCE_URL,
               "title": "SEND cluster funding grants"}
    if the_council is not None:
        package["publisher"] = {"name": the_council.name, **({"identifier": the_council.org_id}
                                                              if the_council.org_id else {})}
    if grants:
        package["modified"] = max(g["dateModified"] for g in grants)
    return package


def last_changed(package: dict) -> dt.datetime | None:
    """When the published data last changed (the newest grant's dateModified), or None before any grant."""
    modified = package.get("modified")
    return dt.datetime.fromisoformat(modified) if modified else None


def package_schema() -> dict:
    """The package schema with the grant schema put in place of its remote reference, so flattentool reads it
    offline (it would otherwise fetch the grant schema's URL)."""
    package = json.loads((SCHEMA_DIR / "360-giving-package-schema.json").read_text())
    grant = json.loads((SCHEMA_DIR / "360-giving-schema.json").read_text())
    grant.pop("$id", None)
    grant.pop("$schema", None)
    package.pop("$schema", None)
    package["$defs"] = {**package.get("$defs", {}), **grant.pop("$defs", {})}  # the grant's own "#/$defs/..." refs
    package["properties"]["grants"]["items"] = grant
    return package


def package_json(package: dict) -> str:
    return json.dumps(package, indent=2, ensure_ascii=False)


def package_xlsx(package: dict) -> bytes:
    """The package as a spreadsheet made by flattentool, the 360Giving project's own converter (titles as headings,
    one sheet per repeated part), so it unflattens back to the same JSON. There is no shared export module yet
    (sendfund/core/exports.py); when there is, this file stays flattentool's: it is the 360Giving format."""
    import flattentool

    with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
        # The schema's transaction fields have no titles: flattentool warns and leaves them out (we publish none).
        warnings.simplefilter("ignore", flattentool.exceptions.FlattenToolWarning)
        root = Path(folder)
        (root / "package.json").write_text(package_json(package))
        (root / "schema.json").write_text(json.dumps(package_schema()))
        flattentool.flatten(str(root / "package.json"), schema=str(root / "schema.json"),
                            output_name=str(root / "grants.xlsx"), output_format="xlsx", main_sheet_name="grants",
                            root_list_path="grants", root_id="", id_name="id", use_titles=True,
                            disable_local_refs=False, remove_empty_schema_columns=True)
        return (root / "grants.xlsx").read_bytes()
