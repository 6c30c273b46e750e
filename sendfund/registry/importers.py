"""Loading the DfE's files into the registry: all or nothing, and the same file twice changes nothing.

Each importer first reads and checks the whole file; only when every row is good does it write,
inside one transaction. A problem stops the import with a message naming the file, the row
(the line number a spreadsheet shows, header = row 1) and the column.
"""

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from sendfund.core.audit import audit_record
from sendfund.core.errors import DomainError

from .models import ImportBatch, Indicator, Phase, School, SchoolFigure, SchoolLink

MISSING = {"", "NA", "na", "x", "z", "-", ".", "SUPP", "NE"}

# The January 2019 school census (AY 2018/19) was taken on 17 January 2019.
DEFAULT_CENSUS_YEAR = 2018
DEFAULT_CENSUS_DATE = dt.date(2019, 1, 17)

# Census column -> (indicator code, name, is a measure of need, sort order)
CENSUS_INDICATORS = {
    "NOR": ("pupils", "Pupils on roll", False, 10),
    "NUMFSM": ("fsm", "Pupils eligible for free school meals (FSM)", False, 20),
    "NUMFSMEVER": ("fsm_ever6", "Pupils eligible for FSM in the last 6 years (Ever-6)", False, 30),
    "NUMEAL": ("eal", "Pupils with English as an additional language (EAL)", False, 40),
    "TSENELK": ("sen_support", "Pupils on SEN support", True, 50),
    "TSENELSE": ("ehc_plans", "Pupils with an EHC plan", True, 60),
}

CENSUS_PHASES = {
    "State-funded primary": Phase.PRIMARY,
    "State-funded secondary": Phase.SECONDARY,
    "State-funded special school": Phase.SPECIAL,
    "Non-maintained special school": Phase.SPECIAL,
    "State-funded nursery": Phase.NURSERY,
    "Pupil referral unit": Phase.PRU,
    "Independent school": Phase.INDEPENDENT,
}


class ImportFailed(DomainError):
    pass


@dataclass
class ImportResult:
    file_name: str
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    already_imported: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return self.created + self.updated

    def summary(self) -> str:
        if self.already_imported:
            return f"{self.file_name}: this file was imported before; nothing changed."
        text = (f"{self.file_name}: {self.rows} rows read; {self.created} created, {self.updated} updated, "
                f"{self.unchanged} unchanged, {self.skipped} skipped.")
        return " ".join([text, *self.notes])


@dataclass
class _Table:
    name: str
    sha256: str
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number as a spreadsheet shows it, values)

    def fail(self, row: int | None, column: str | None, problem: str):
        where = [self.name]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column}")
        raise ImportFailed(f"{', '.join(where)}: {problem}")


def read_table(path: Path | str, *, required: list[str], encoding: str = "utf-8-sig", name: str | None = None) -> _Table:
    path = Path(path)
    name = name or path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"{name}: the file cannot be read ({exc.strerror})") from exc
    if not raw.strip():
        raise ImportFailed(f"{name}: the file is empty")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFailed(f"{name}, row {line}: the file is not in the {encoding.replace('-sig', '').upper()} "
                           "encoding the DfE uses for it; save it again as CSV UTF-8") from exc
    if "\x00" in text:
        raise ImportFailed(f"{name}: the file is not a CSV text file")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise ImportFailed(f"{name}: the file has no header row") from exc
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportFailed(f"{name}, row 1: the file is missing the column{'s' if len(missing) > 1 else ''} "
                           f"{', '.join(missing)}; check it is the right file")
    rows = []
    try:
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise ImportFailed(f"{name}, row {number}: the row has {len(values)} values but the header has {len(header)}")
            rows.append((number, dict(zip(header, (v.strip() for v in values), strict=True))))
    except csv.Error as exc:
        raise ImportFailed(f"{name}, row {reader.line_num}: the row is not valid CSV ({exc})") from exc
    return _Table(name, hashlib.sha256(raw).hexdigest(), header, rows)


def _count(table: _Table, row: int, column: str, text: str) -> int | None:
    if text in MISSING:
        return None
    cleaned = text.replace(",", "")
    if not cleaned.isdigit():
        if cleaned.startswith("-") and cleaned[1:].isdigit():
            table.fail(row, column, f"'{text}' is negative; a count cannot be less than 0")
        table.fail(row, column, f"'{text}' is not a whole number")
    return int(cleaned)


def _urn(table: _Table, row: int, column: str, text: str) -> int:
    if not text.isdigit():
        table.fail(row, column, f"'{text}' is not a URN (a URN is a number, like 120777)")
    return int(text)


def _already(kind: str, table: _Table, la_code: int | None) -> bool:
    return ImportBatch.objects.filter(kind=kind, sha256=table.sha256, la_code=la_code).exists()


def _audit_import(batch: ImportBatch, result: ImportResult, actor) -> None:
    audit_record(actor=actor, verb=f"registry.{batch.kind}_imported", target=batch,
                 after={"file": batch.file_name, "sha256": batch.sha256, "la_code": batch.la_code, "rows": batch.rows,
                        "created": result.created, "updated": result.updated})


def ensure_census_indicators() -> dict[str, Indicator]:
    out = {}
    for code, name, is_need, order in CENSUS_INDICATORS.values():
        indicator, _ = Indicator.objects.get_or_create(
            code=code, defaults={"name": name, "is_need": is_need, "sort_order": order})
        out[code] = indicator
    return out


def census_import(*, path: Path | str, la_code: int, academic_year: int = DEFAULT_CENSUS_YEAR,
                  census_date: dt.date = DEFAULT_CENSUS_DATE, add_missing_schools: bool = False,
                  encoding: str = "utf-8-sig", actor=None) -> ImportResult:
    """Load one LA's rows of the DfE census file as dated school figures.

    Raises ImportFailed (file, row, column) for wrong columns, a non-number, a negative count, a URN that is
    not in the registry (unless add_missing_schools), a URN listed twice, or a wrong encoding. Writes nothing then.
    """
    table = read_table(path, required=["URN", "LA", "ESTAB", "SCHOOLTYPE", *CENSUS_INDICATORS], encoding=encoding)
    result = ImportResult(table.name, rows=0)
    if _already("census", table, la_code):
        result.already_imported = True
        result.rows = sum(1 for _n, r in table.rows if r["LA"] == str(la_code))
        return result

    parsed: list[tuple[int, int, str, dict[str, int]]] = []
    seen: dict[int, int] = {}
    for number, row in table.rows:
        if row["URN"] == "NAT" or row["LA"] != str(la_code):
            continue
        urn = _urn(table, number, "URN", row["URN"])
        if urn in seen:
            table.fail(number, "URN", f"URN {urn} is listed twice (also on row {seen[urn]})")
        seen[urn] = number
        estab = _count(table, number, "ESTAB", row["ESTAB"])
        values = {}
        for column, (code, *_rest) in CENSUS_INDICATORS.items():
            value = _count(table, number, column, row[column])
            if value is not None:
                values[code] = value
        parsed.append((number, urn, row["SCHOOLTYPE"], {"estab": estab, **values}))
    result.rows = len(parsed)
    if not parsed:
        raise ImportFailed(f"{table.name}: the file has no rows for LA code {la_code}")

    schools = {s.urn: s for s in School.objects.filter(urn__in=seen)}
    if not add_missing_schools:
        for number, urn, _type, _v in parsed:
            if urn not in schools:
                table.fail(number, "URN", f"URN {urn} is not in the school registry; import the school list first")

    with transaction.atomic():
        indicators = ensure_census_indicators()
        for number, urn, school_type, values in parsed:
            if urn not in schools:
                schools[urn] = School.objects.create(
                    urn=urn, la_code=la_code, estab=values["estab"], name=f"School URN {urn}",
                    phase=CENSUS_PHASES.get(school_type, Phase.OTHER), school_type=school_type)
                result.notes.append(f"Added URN {urn} (row {number}), which the school list did not have.")
        existing = {(f.school_id, f.indicator_id): f for f in SchoolFigure.objects.filter(
            school__in=schools.values(), academic_year=academic_year)}
        batch = ImportBatch.objects.create(kind="census", file_name=table.name, sha256=table.sha256,
                                           la_code=la_code, rows=len(parsed), changed=0)
        to_create, to_update = [], []
        for _number, urn, _type, values in parsed:
            school = schools[urn]
            for code, indicator in indicators.items():
                if code not in values:
                    continue
                figure = existing.get((school.pk, indicator.pk))
                if figure is None:
                    to_create.append(SchoolFigure(school=school, indicator=indicator, academic_year=academic_year,
                                                  census_date=census_date, value=values[code], batch=batch))
                elif figure.value != values[code] or figure.census_date != census_date:
                    figure.value, figure.census_date, figure.batch = values[code], census_date, batch
                    to_update.append(figure)
                else:
                    result.unchanged += 1
        SchoolFigure.objects.bulk_create(to_create, batch_size=2000)
        SchoolFigure.objects.bulk_update(to_update, ["value", "census_date", "batch"], batch_size=2000)
        result.created, result.updated = len(to_create), len(to_update)
        batch.changed = result.changed
        batch.save(update_fields=["changed"])
        _audit_import(batch, result, actor)
    return result


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
