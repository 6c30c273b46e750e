"""The census importer: recognises the DfE publication from the file's header and loads its figures.

Each publication has one column map, kept as data in census_layouts.json (docs/adr/0004): the key columns (URN,
or LAESTAB), where the LA code and the year are, the school type column and the DfE's list of its values, and which
columns are which indicators. A file may carry only some of a layout's indicators: the others are left alone. A DfE
missing-value code (x, z, c, NA, SUPP, blank...) is recorded as "not published" for that school and year, so an
older import's figure never stays in place. All or nothing, like every importer here.
"""

import datetime as dt
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import transaction

from .models import ImportBatch, Indicator, Phase, School, SchoolFigure
from .tables import (
    CENSUS_PHASES,
    MISSING,
    ImportFailed,
    ImportResult,
    _already,
    _audit_import,
    _count,
    _shown,
    _Table,
    _urn,
    read_table,
)

LAYOUTS_FILE = Path(__file__).with_name("census_layouts.json")
ESTABLISHMENT_TYPES = Path(settings.BASE_DIR) / "data" / "gias-norfolk" / "gias_establishment_types_20250422.csv"
_MEASURE = re.compile(r"-?[0-9]{1,4}(\.[0-9]{1,2})?%?", re.ASCII)
_YEAR = re.compile(r"(20[0-9]{2})([0-9]{2})?", re.ASCII)
NOT_PUBLISHED = object()  # a DfE missing-value code in the file: stored as a figure with no value


@dataclass(frozen=True)
class Layout:
    code: str
    name: str
    signature: tuple[str, ...]
    urn: str
    laestab: str
    la: str
    estab: str
    year: str
    type: str
    skip_rows: dict[str, tuple[str, ...]]
    descriptors: dict[str, str]
    indicators: dict[str, tuple[str, str, str, bool, int]]  # column -> (code, name, unit, is_need, sort order)
    types: tuple[str, ...]
    without: tuple[str, ...] = ()
    school_name: str = ""

    def describe(self) -> str:
        return f"the {self.name}: columns {', '.join(self.signature)} and one or more of {', '.join(self.indicators)}"


@cache
def layouts() -> dict[str, Layout]:
    raw = json.loads(LAYOUTS_FILE.read_text(encoding="utf-8"))
    out = {}
    for code, d in raw.items():
        if code.startswith("_"):
            continue
        out[code] = Layout(code=code, name=d["name"], signature=tuple(d["signature"]), urn=d["urn"],
                           laestab=d["laestab"], la=d["la"], estab=d["estab"], year=d["year"], type=d["type"],
                           skip_rows={k: tuple(v.split()) for k, v in d["skip_rows"].items()},
                           descriptors=d["descriptors"],
                           indicators={k: tuple(v) for k, v in d["indicators"].items()}, types=tuple(d["types"]),
                           without=tuple(d["without"]), school_name=d["school_name"])
    return out


@cache
def establishment_types() -> frozenset[str]:
    """The DfE's (GIAS) list of types of establishment, e.g. 'Academy converter', 'Community school'."""
    table = read_table(ESTABLISHMENT_TYPES, required=["type-of-establishment-name"])
    return frozenset(row["type-of-establishment-name"] for _n, row in table.rows)


def recognise(table: _Table, *, expected: str | None = None) -> Layout:
    """The publication whose columns the header carries. Raises ImportFailed naming what was expected and found."""
    header = set(table.columns)
    found = [lay for lay in layouts().values()
             if set(lay.signature) <= header and any(c in header for c in lay.indicators)
             and not header & set(lay.without)]
    if expected is not None:
        layout = layouts().get(expected)
        if layout is None:
            raise ImportFailed(f"{table.name}: there is no layout called {expected}; the layouts are "
                               f"{', '.join(layouts())}")
        if layout not in found:
            missing = [c for c in layout.signature if c not in header]
            what = (f"the columns {', '.join(missing)} are missing" if missing
                    else "none of its indicator columns is there")
            seen = f"it looks like the {found[0].name}" if found else f"found the columns {_first(table.columns)}"
            raise ImportFailed(f"{table.name}, row 1 (the header): expected {layout.describe()}; {what} ({seen})")
        return layout
    if len(found) == 1:
        return found[0]
    if not found:
        raise ImportFailed(f"{table.name}, row 1 (the header): this is not a DfE file SendFund knows. Expected one of: "
                           + "; ".join(lay.describe() for lay in layouts().values())
                           + f". Found the columns {_first(table.columns)}")
    raise ImportFailed(f"{table.name}, row 1 (the header): the columns fit more than one layout "
                       f"({', '.join(lay.code for lay in found)}); name the layout to use")


def _first(columns: list[str], n: int = 12) -> str:
    shown = ", ".join(c[:60] for c in columns[:n])
    return shown + (f" and {len(columns) - n} more" if len(columns) > n else "")


def census_date_for(academic_year: int) -> dt.date:
    """The spring census day: the third Thursday of January in the academic year (17 Jan 2019, 19 Jan 2023)."""
    first = dt.date(academic_year + 1, 1, 1)
    return first + dt.timedelta(days=(3 - first.weekday()) % 7 + 14)


def ensure_indicators(layout: Layout | None = None) -> dict[str, Indicator]:
    """The layout's indicators (every layout's when None), created on first use."""
    out = {}
    for lay in [layout] if layout else layouts().values():
        for code, name, unit, is_need, order in lay.indicators.values():
            indicator, _ = Indicator.objects.get_or_create(
                code=code, defaults={"name": name, "unit": unit, "is_need": is_need, "sort_order": order})
            out[code] = indicator
    return out


def _measure(table: _Table, row: int, column: str, text: str):
    if text in MISSING:
        return NOT_PUBLISHED
    if not _MEASURE.fullmatch(text):
        table.fail(row, column, f"{_shown(text)} is not a rate or score like 4.7, 45.1 or -0.03 "
                                "(or a DfE code such as SUPP, NE or NA)")
    return Decimal(text.rstrip("%"))


def _year(table: _Table, layout: Layout, academic_year: int | None) -> int:
    """The academic year from the file's year column, else from the command; both must agree."""
    if not layout.year:
        if academic_year is None:
            raise ImportFailed(f"{table.name}: the file does not say which year it is; give the academic year "
                               "(for example 2022 for AY 2022/23)")
        return academic_year
    years: dict[int, int] = {}  # year -> first row with it
    for number, row in table.rows:
        match = _YEAR.fullmatch(row[layout.year])
        if not match:
            table.fail(number, layout.year, f"{_shown(row[layout.year])} is not a year like 202223")
        years.setdefault(int(match.group(1)), number)
        if len(years) > 1:
            table.fail(number, layout.year, f"the file holds more than one year ({', '.join(map(str, sorted(years)))}); "
                                            "import one year at a time")
    if not years:
        raise ImportFailed(f"{table.name}: the file has a header but no rows")
    year, first = next(iter(years.items()))
    if academic_year is not None and academic_year != year:
        table.fail(first, layout.year, f"the file is for the academic year starting {year}, not {academic_year}")
    return year


@dataclass
class _Row:
    number: int
    urn: int | None
    laestab: int | None
    school_type: str
    values: dict  # indicator code -> int, Decimal or NOT_PUBLISHED
    descriptors: dict[str, str]


def _parse_row(table: _Table, layout: Layout, number: int, row: dict[str, str], present: list[str]) -> _Row:
    urn = _urn(table, number, layout.urn, row[layout.urn]) if layout.urn and row.get(layout.urn) else None
    laestab = None
    if layout.laestab and row.get(layout.laestab):
        text = row[layout.laestab]
        if not re.fullmatch(r"[1-9][0-9]{6}", text, re.ASCII):
            table.fail(number, layout.laestab, f"{_shown(text)} is not a LAESTAB (7 digits, like 9262000)")
        laestab = int(text)
    elif layout.estab and row.get(layout.la, "").isascii() and row.get(layout.la, "").isdigit():
        estab = _count(table, number, layout.estab, row[layout.estab])
        laestab = int(row[layout.la]) * 10000 + estab if estab is not None and estab < 10000 else None
    if urn is None and laestab is None and not layout.school_name:
        table.fail(number, layout.urn, "the row has neither a URN nor a LAESTAB, so the school cannot be found")
    school_type = row.get(layout.type, "") if layout.type else ""
    if layout.type and school_type not in layout.types:
        table.fail(number, layout.type, f"{_shown(school_type)} is not one of the DfE's school types for this file "
                                        f"({', '.join(layout.types)})")
    descriptors = {field: row[col] for field, col in layout.descriptors.items() if col in row}
    if "school_type" in descriptors and descriptors["school_type"] and descriptors["school_type"] not in establishment_types():
        table.fail(number, layout.descriptors["school_type"],
                   f"{_shown(descriptors['school_type'])} is not a type of establishment on the DfE's GIAS list")
    if "name" in descriptors and not descriptors["name"]:
        table.fail(number, layout.descriptors["name"], "the school has no name")
    values = {}
    for column in present:
        code, _name, unit, *_rest = layout.indicators[column]
        if unit == Indicator.Unit.COUNT:
            value = _count(table, number, column, row[column])
            values[code] = NOT_PUBLISHED if value is None else value
        else:
            values[code] = _measure(table, number, column, row[column])
    return _Row(number, urn, laestab, school_type, values, descriptors)


def _in_la(layout: Layout, row: dict[str, str], la_code: int) -> bool:
    if layout.la:
        return row.get(layout.la) == str(la_code)
    text = row.get(layout.laestab, "")
    return len(text) == 7 and text[:3] == str(la_code)


def _school_fields(row: _Row, la_code: int) -> dict:
    """A school's registry fields from a census row that describes schools (SPC 2023)."""
    d = row.descriptors
    fields = {"phase": CENSUS_PHASES.get(row.school_type, Phase.OTHER)} if row.school_type else {}
    if row.laestab:
        fields["estab"] = row.laestab % 10000
    for key in ("name", "trust", "school_type", "town", "district"):
        if key in d:
            fields[key] = d[key][:School._meta.get_field(key).max_length]
    if "postcode" in d:
        fields["postcode"] = d["postcode"].upper()[:10]
    return fields


def census_import(*, path: Path | str, la_code: int, academic_year: int | None = None,
                  census_date: dt.date | None = None, add_missing_schools: bool = False, layout: str | None = None,
                  encoding: str = "utf-8-sig", keys: dict[int, int] | None = None, name: str | None = None,
                  skip_unknown_schools: bool = False, actor=None) -> ImportResult:
    """Load one LA's rows of a DfE census publication (recognised from its header) as dated school figures.

    `keys` maps row numbers to URNs for a file keyed by school name (see names.py): those rows are found by it.
    `skip_unknown_schools` passes over rows about schools the registry does not hold (outcome files list schools
    that closed before any census the registry holds), and says how many.
    Raises ImportFailed (file, row, column) for a layout it does not know, a value that is not a plain whole
    number, a school type not on the DfE's list, a school that is not in the registry (unless
    add_missing_schools), a school listed twice, or a year it cannot tell. Writes nothing then.
    """
    table = read_table(path, required=[], encoding=encoding, name=name)
    lay = recognise(table, expected=layout)
    year = _year(table, lay, academic_year)
    census_date = census_date or census_date_for(year)
    kind = f"census-{lay.code}-{year}"
    result = ImportResult(table.name, rows=0)
    if _already(kind, table, la_code):
        result.already_imported = True
        result.rows = sum(1 for _n, r in table.rows if _in_la(lay, r, la_code))
        return result
    present = [c for c in lay.indicators if c in table.columns]

    if lay.school_name and keys is None:
        raise ImportFailed(f"{table.name}: the file names schools without a URN or LAESTAB; match the names to the "
                           "registry first (manage.py match_school_names) and import it with the reviewed mapping")
    parsed: list[_Row] = []
    for number, row in table.rows:
        if any(row.get(col) in values for col, values in lay.skip_rows.items()):
            continue
        if keys is None and not _in_la(lay, row, la_code):
            continue
        if keys is not None and number not in keys:
            continue
        item = _parse_row(table, lay, number, row, present)
        if keys is not None:
            item.urn = keys[number]
        parsed.append(item)
    result.rows = len(parsed)
    if not parsed:
        raise ImportFailed(f"{table.name}: the file has no rows for LA code {la_code}")

    by_urn = {s.urn: s for s in School.objects.filter(urn__in={p.urn for p in parsed if p.urn})}
    by_laestab = {}
    if any(p.urn is None for p in parsed):
        for s in School.objects.filter(la_code=la_code, estab__isnull=False):
            by_laestab[s.la_code * 10000 + s.estab] = s
    seen: dict[int, int] = {}
    targets: list[tuple[_Row, School | None]] = []
    for p in parsed:
        school = by_urn.get(p.urn) if p.urn else by_laestab.get(p.laestab)
        column = lay.school_name or (lay.urn if p.urn or not lay.laestab else lay.laestab)
        if school is None and skip_unknown_schools:
            result.skipped += 1
            continue
        if school is None and (p.urn is None or not add_missing_schools):
            what = f"URN {p.urn}" if p.urn else f"LAESTAB {p.laestab}"
            table.fail(p.number, column, f"{what} is not in the school registry; import the school list first")
        if school is not None and school.la_code != la_code:
            table.fail(p.number, column, f"URN {school.urn} ({school.name}) is a school of LA {school.la_code}, "
                                         f"not {la_code}")
        key = school.urn if school else p.urn
        if key in seen:
            table.fail(p.number, column, f"URN {key} is listed twice (also on row {seen[key]})")
        seen[key] = p.number
        targets.append((p, school))

    with transaction.atomic():
        indicators = ensure_indicators(lay)
        batch = ImportBatch.objects.create(kind=kind, file_name=table.name, sha256=table.sha256, la_code=la_code,
                                           rows=len(parsed), changed=0)
        schools, added = [], []
        for p, school in targets:
            fields = _school_fields(p, la_code) if lay.descriptors else {}
            if school is None:
                fields.setdefault("name", f"School URN {p.urn}")
                fields.setdefault("phase", CENSUS_PHASES.get(p.school_type, Phase.OTHER))
                fields.setdefault("school_type", p.school_type)
                if p.laestab and "estab" not in fields:
                    fields["estab"] = p.laestab % 10000
                school = School.objects.create(urn=p.urn, la_code=la_code, **fields)
                added.append(f"URN {p.urn} (row {p.number})")
            elif fields and school.town:
                fields.pop("town", None)  # a town from the school list is more precise than the census's district
            if school is not None and fields and any(getattr(school, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(school, k, v)
                school.save(update_fields=[*fields, "updated_at"])
            schools.append((p, school))
        existing = {(f.school_id, f.indicator_id): f for f in SchoolFigure.objects.filter(
            school__in=[s for _p, s in schools], academic_year=year, indicator__in=indicators.values())}
        to_create, to_update = [], []
        for p, school in schools:
            for code, raw in p.values.items():
                indicator = indicators[code]
                value = raw if isinstance(raw, int) else None
                measure = raw if isinstance(raw, Decimal) else None
                figure = existing.get((school.pk, indicator.pk))
                if figure is None:
                    to_create.append(SchoolFigure(school=school, indicator=indicator, academic_year=year,
                                                  census_date=census_date, value=value, measure=measure, batch=batch))
                elif (figure.value, figure.measure, figure.census_date) != (value, measure, census_date):
                    figure.value, figure.measure, figure.census_date, figure.batch = value, measure, census_date, batch
                    to_update.append(figure)
                else:
                    result.unchanged += 1
        SchoolFigure.objects.bulk_create(to_create, batch_size=2000)
        SchoolFigure.objects.bulk_update(to_update, ["value", "measure", "census_date", "batch"], batch_size=2000)
        result.created, result.updated = len(to_create), len(to_update)
        batch.changed = result.changed
        batch.save(update_fields=["changed"])
        _audit_import(batch, result, actor)
        result.notes.insert(0, f"Read as {lay.name}, AY {year}/{(year + 1) % 100:02d}.")
        if added:
            result.notes.append(f"Added {len(added)} schools the registry did not have: {', '.join(added[:5])}"
                                + (f" and {len(added) - 5} more." if len(added) > 5 else "."))
        if result.skipped:
            result.notes.append(f"{result.skipped} rows are about schools not in the registry and were skipped.")
    return result
