"""Loading the DfE's files into the registry: all or nothing, and the same file twice changes nothing.

Each importer first reads and checks the whole file; only when every row is good does it write,
inside one transaction. A problem stops the import with a message naming the file, the row
(as a spreadsheet numbers it: the header is row 1, and the message says so) and the column.
A file whose name ends in .gz is read compressed.
"""

import datetime as dt
from pathlib import Path

from django.db import transaction

from .models import ImportBatch, Phase, School, SchoolLink
from .tables import ImportFailed, ImportResult, _already, _audit_import, _count, _urn, read_table


def _spine_phase(row: dict[str, str]) -> Phase:
    group = row.get("MINORGROUP", "")
    if group == "Special School":
        return Phase.SPECIAL
    if group == "Independent School":
        return Phase.INDEPENDENT
    primary, secondary = row.get("ISPRIMARY") == "1", row.get("ISSECONDARY") == "1"
    if primary and secondary:
        return Phase.ALL_THROUGH
    if secondary:
        return Phase.SECONDARY
    if primary:
        return Phase.PRIMARY
    if row.get("ISPOST16") == "1":
        return Phase.OTHER
    return Phase.OTHER


SPINE_FIELDS = ["la_code", "estab", "name", "phase", "school_type", "town", "postcode", "is_open"]


def spine_import(*, path: Path | str, la_code: int, encoding: str = "utf-8-sig", actor=None) -> ImportResult:
    """Load one LA's schools (name, town, postcode, type, open or closed) from the DfE spine file."""
    table = read_table(path, required=["URN", "LA", "ESTAB", "SCHNAME", "TOWN", "POSTCODE", "ICLOSE", "MINORGROUP",
                                       "NFTYPE", "ISPRIMARY", "ISSECONDARY"], encoding=encoding)
    result = ImportResult(table.name, rows=0)
    if _already("spine", table, la_code):
        result.already_imported = True
        return result
    parsed = {}
    for number, row in table.rows:
        if row["LA"] != str(la_code):
            continue
        urn = _urn(table, number, "URN", row["URN"])
        if urn in parsed:
            table.fail(number, "URN", f"URN {urn} is listed twice")
        if not row["SCHNAME"]:
            table.fail(number, "SCHNAME", "the school has no name")
        if row["ICLOSE"] not in {"1", "2", "3", ""}:
            table.fail(number, "ICLOSE", f"'{row['ICLOSE']}' is not 1 (open), 2 (closed) or 3 (proposed to close)")
        parsed[urn] = {
            "la_code": la_code, "estab": _count(table, number, "ESTAB", row["ESTAB"]), "name": row["SCHNAME"],
            "phase": _spine_phase(row), "school_type": row["NFTYPE"], "town": row["TOWN"],
            "postcode": row["POSTCODE"].upper(), "is_open": row["ICLOSE"] != "2",
        }
    result.rows = len(parsed)
    if not parsed:
        raise ImportFailed(f"{table.name}: the file has no rows for LA code {la_code}")
    with transaction.atomic():
        existing = {s.urn: s for s in School.objects.filter(urn__in=parsed)}
        to_create, to_update = [], []
        for urn, values in parsed.items():
            school = existing.get(urn)
            if school is None:
                to_create.append(School(urn=urn, **values))
            elif any(getattr(school, k) != v for k, v in values.items()):
                for k, v in values.items():
                    setattr(school, k, v)
                to_update.append(school)
            else:
                result.unchanged += 1
        School.objects.bulk_create(to_create)
        School.objects.bulk_update(to_update, SPINE_FIELDS)
        result.created, result.updated = len(to_create), len(to_update)
        batch = ImportBatch.objects.create(kind="spine", file_name=table.name, sha256=table.sha256, la_code=la_code,
                                           rows=len(parsed), changed=result.changed)
        _audit_import(batch, result, actor)
    return result


def links_import(*, path: Path | str, encoding: str = "utf-8-sig", actor=None) -> ImportResult:
    """Load GIAS predecessor and successor links for schools in the registry; rows about other schools are skipped."""
    table = read_table(path, required=["URN", "LinkURN", "LinkName", "LinkType", "LinkEstablishedDate"], encoding=encoding)
    result = ImportResult(table.name, rows=len(table.rows))
    if _already("links", table, None):
        result.already_imported = True
        return result
    parsed = []
    for number, row in table.rows:
        urn = _urn(table, number, "URN", row["URN"])
        link_urn = _urn(table, number, "LinkURN", row["LinkURN"])
        if not row["LinkType"]:
            table.fail(number, "LinkType", "the link type is empty")
        date = None
        if row["LinkEstablishedDate"]:
            try:
                date = dt.datetime.strptime(row["LinkEstablishedDate"], "%d-%m-%Y").date()
            except ValueError:
                table.fail(number, "LinkEstablishedDate", f"'{row['LinkEstablishedDate']}' is not a date like 20-08-2014")
        parsed.append((urn, link_urn, row["LinkName"], row["LinkType"], date))
    schools = {s.urn: s for s in School.objects.filter(urn__in={p[0] for p in parsed})}
    with transaction.atomic():
        existing = {(link.school_id, link.link_urn, link.link_type): link
                    for link in SchoolLink.objects.filter(school__in=schools.values())}
        to_create = []
        for urn, link_urn, name, link_type, date in parsed:
            school = schools.get(urn)
            if school is None:
                result.skipped += 1
                continue
            key = (school.pk, link_urn, link_type)
            if key in existing:
                result.unchanged += 1
                continue
            existing[key] = SchoolLink(school=school, link_urn=link_urn, link_name=name, link_type=link_type,
                                       established_on=date)
            to_create.append(existing[key])
        SchoolLink.objects.bulk_create(to_create)
        result.created = len(to_create)
        batch = ImportBatch.objects.create(kind="links", file_name=table.name, sha256=table.sha256, la_code=None,
                                           rows=len(parsed), changed=result.changed)
        _audit_import(batch, result, actor)
    if result.skipped:
        result.notes.append(f"{result.skipped} rows are about schools not in the registry and were skipped.")
    return result


from .census import census_import, ensure_indicators  # noqa: E402

ensure_census_indicators = ensure_indicators

__all__ = ["ImportFailed", "ImportResult", "census_import", "ensure_census_indicators", "ensure_indicators", "links_import",
           "spine_import"]
