"""A file that names schools without URNs: normalised matching, the officer's mapping, and an import that
happens only when every row is resolved. Tested on a name-keyed cut of the real January 2023 SEN file."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.conf import settings

from sendfund.registry.census import census_import
from sendfund.registry.importers import links_import, spine_import
from sendfund.registry.models import Indicator, Phase, School, SchoolFigure
from sendfund.registry.names import (
    EXACT,
    NONE,
    ONE,
    SEVERAL,
    mapping_write,
    name_keyed_import,
    name_match,
    normalise,
)
from sendfund.registry.selectors import la_totals
from sendfund.registry.tables import ImportFailed

DATA = Path(settings.BASE_DIR) / "data"
SEN = DATA / "dfe-sen-school-level" / "sen_school_level_2022-23_norfolk_with_urn.csv"


@pytest.mark.parametrize(("a", "b"), [
    ("St Mary's C of E Primary School", "Saint Marys Church of England Primary Academy"),
    ("Acle St. Edmund CE Primary", "ACLE SAINT EDMUND CHURCH OF ENGLAND PRIMARY SCHOOL"),
    ("Bure Valley School & Nursery", "Bure Valley and Nursery"),
    ("King’s Lynn Academy", "Kings Lynn"),
])
def test_names_that_differ_only_in_form_normalise_alike(a, b):
    assert normalise(a) == normalise(b)


def test_different_schools_stay_different():
    assert normalise("Acle Primary School") != normalise("Acle Infant School")


def name_keyed_cut(tmp_path) -> tuple[Path, dict[str, tuple[int, int]]]:
    """The real Norfolk SEN rows without urn and laestab; some names written another way, and one school that is
    not in the registry at all. Returns the file and each written name's (SEN support, EHC plan)."""
    with SEN.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    out = io.StringIO()
    columns = ["la_name", "school_name", "phase_type_grouping", "Total pupils", "SEN support", "EHC plan"]
    writer = csv.DictWriter(out, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    figures = {}
    for n, row in enumerate(rows):
        if n % 7 == 0:  # write every seventh name the way people type them
            row["school_name"] = (row["school_name"].replace("Church of England", "C of E").replace(" and ", " & ")
                                  .replace("Saint ", "St ").replace("Primary School", "Primary Academy").upper())
        writer.writerow(row)
        figures[row["school_name"]] = (int(row["SEN support"]), int(row["EHC plan"]), row["urn"])
    writer.writerow({"la_name": "Norfolk", "school_name": "A School That Is Not There", "phase_type_grouping": "",
                     "Total pupils": "10", "SEN support": "3", "EHC plan": "1"})
    figures["A School That Is Not There"] = (3, 1, "")
    path = tmp_path / "sen_by_name.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path, figures


@pytest.fixture
def norfolk_2023(db):
    # Schools as of 2017-18 (old names, since-converted schools) and January 2023, with the GIAS links.
    spine_import(path=DATA / "dfe-school-census-2019" / "england_spine_2017-18_norfolk.csv", la_code=926)
    census_import(path=DATA / "dfe-school-census-2023" / "spc_2022-23_norfolk.csv.gz", la_code=926,
                  add_missing_schools=True)
    links_import(path=DATA / "gias-norfolk" / "gias_links_norfolk_20250422.csv")


def test_the_officer_resolves_every_row_and_the_imported_totals_equal_the_file(norfolk_2023, tmp_path):
    path, figures = name_keyed_cut(tmp_path)
    # Another school of the same name, open in the same census, makes one row ambiguous.
    twin_name, (_s, _e, twin_urn) = next((n, f) for n, f in figures.items() if n.startswith("Aldborough"))
    twin = School.objects.create(urn=999001, la_code=926, estab=9001, name=twin_name, phase=Phase.PRIMARY)
    SchoolFigure.objects.create(school=twin, indicator=Indicator.objects.get(code="pupils"), academic_year=2022,
                                census_date=dt.date(2023, 1, 19), value=12)
    with pytest.raises(ImportFailed, match="match the names to the registry first"):
        census_import(path=path, la_code=926, academic_year=2022)
    matches = name_match(path=path, la_code=926, academic_year=2022)
    statuses = {m.status for m in matches}
    assert statuses == {EXACT, ONE, SEVERAL, NONE}
    several = [m for m in matches if m.status == SEVERAL]
    assert [(m.name, sorted(s.urn for s in m.candidates)) for m in several] == [(twin_name, [int(twin_urn), 999001])]
    assert [m.name for m in matches if m.status == NONE] == ["A School That Is Not There"]
    # A school that converted shares its name with its predecessor: the one open in January 2023 is proposed.
    for m in matches:
        if m.status in (EXACT, ONE):
            assert SchoolFigure.objects.filter(school=m.candidates[0], academic_year=2022).exists(), m.name

    # The mapping as written leaves the unresolved rows empty: nothing is imported.
    mapping = tmp_path / "mapping.csv"
    mapping.write_text(mapping_write(matches), encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"mapping.csv, row \d+ \(counting the header as row 1\), column urn: "
                                           r"Aldborough Primary School \(several\) is not resolved"):
        name_keyed_import(path=path, mapping=mapping, la_code=926, academic_year=2022)
    assert not SchoolFigure.objects.filter(indicator__code="sen_support").exists()

    # The officer skips the school that is not there and, where there are several, types the right school's URN.
    rows = list(csv.DictReader(io.StringIO(mapping.read_text(encoding="utf-8"))))
    for row in rows:
        if row["status"] == NONE:
            row["urn"] = "skip"
        elif row["status"] == SEVERAL:
            row["urn"] = figures[row["name_in_file"]][2]
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    mapping.write_text(out.getvalue(), encoding="utf-8")
    result, resolution = name_keyed_import(path=path, mapping=mapping, la_code=926, academic_year=2022)

    outcome = {}
    for kind in ("matched", "chosen", "skipped"):
        for row in getattr(resolution, kind):
            assert row not in outcome, "each row ends exactly one way"
            outcome[row] = kind
    assert sorted(outcome) == sorted(m.row for m in matches)
    assert len(resolution.skipped) == 1
    assert len(resolution.chosen) == 1
    imported = [m for m in matches if outcome[m.row] != "skipped"]
    totals = la_totals(la_code=926, academic_year=2022)
    assert totals["sen_support"] == sum(figures[m.name][0] for m in imported)
    assert totals["ehc_plans"] == sum(figures[m.name][1] for m in imported)
    assert (totals["sen_support"], totals["ehc_plans"]) == (17_412, 5_853)  # the published Norfolk totals
    assert "skipped" in result.summary()
