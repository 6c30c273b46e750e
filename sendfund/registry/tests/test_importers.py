"""The DfE importers: real totals, all-or-nothing on bad input, and no change on a second run."""

from pathlib import Path

import pytest
from django.conf import settings

from sendfund.core.models import AuditEvent
from sendfund.registry import census
from sendfund.registry.importers import ImportFailed, census_import, links_import, spine_import
from sendfund.registry.models import ImportBatch, School, SchoolFigure, SchoolLink
from sendfund.registry.selectors import la_totals

DATA = Path(settings.BASE_DIR) / "data"
CENSUS = DATA / "dfe-school-census-2019" / "norfolk_census_2018-19.csv"
NATIONAL = DATA / "dfe-school-census-2019" / "england_census_2018-19.csv"
SPINE = DATA / "dfe-school-census-2019" / "england_spine_2017-18_norfolk.csv"
LINKS = DATA / "gias-norfolk" / "gias_links_norfolk_20250422.csv"
HEADER = ("URN,LA,ESTAB,SCHOOLTYPE,NOR,NORG,NORB,PNORG,PNORB,TSENELSE,PSENELSE,TSENELK,PSENELK,NUMEAL,NUMENGFL,"
          "NUMUNCFL,PNUMEAL,PNUMENGFL,PNUMUNCFL,NUMFSM,NUMFSMEVER,PNUMFSMEVER")
GOOD_ROW = "120777,926,2000,State-funded primary,120,60,60,50,50,2,1.7,15,12.5,3,117,0,2.5,97.5,0,10,18,15"


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def database_state():
    return (School.objects.count(), SchoolFigure.objects.count(), ImportBatch.objects.count(),
            sorted(SchoolFigure.objects.values_list("school__urn", "indicator__code", "value")))


@pytest.mark.django_db
def test_norfolk_census_reproduces_the_published_totals():
    spine_import(path=SPINE, la_code=926)
    census_import(academic_year=2018, path=CENSUS, la_code=926, add_missing_schools=True)
    totals = la_totals(la_code=926, academic_year=2018)
    # SOURCE.md: Norfolk, all school types: NOR 119,933; SEN support 14,959; EHC 3,884.
    assert totals["pupils"] == 119_933
    assert totals["sen_support"] == 14_959
    assert totals["ehc_plans"] == 3_884
    # 450 census rows; one (East Norfolk Sixth Form College, URN 145749) has every figure blank.
    assert School.objects.filter(la_code=926, figures__academic_year=2018).distinct().count() == 450
    blank = SchoolFigure.objects.filter(school__urn=145749)
    assert blank.count() == 6 and not blank.filter(value__isnull=False).exists()  # recorded as not published
    event = AuditEvent.objects.filter(verb="registry.census_imported").get()
    assert event.after["rows"] == 450 and event.after["created"] == 2700  # 6 figures a row, 88 of them not published


@pytest.mark.django_db
def test_the_national_file_loads_for_any_la_code():
    result = census_import(academic_year=2018, path=NATIONAL, la_code=201, add_missing_schools=True)  # City of London
    assert result.rows > 0
    assert set(School.objects.values_list("la_code", flat=True)) == {201}


@pytest.mark.django_db
def test_running_the_same_imports_again_changes_nothing():
    spine_import(path=SPINE, la_code=926)
    census_import(academic_year=2018, path=CENSUS, la_code=926, add_missing_schools=True)
    links_import(path=LINKS)
    before = database_state()
    links_before = SchoolLink.objects.count()
    again = [spine_import(path=SPINE, la_code=926), census_import(academic_year=2018, path=CENSUS, la_code=926, add_missing_schools=True),
             links_import(path=LINKS)]
    assert all(r.already_imported and r.changed == 0 for r in again)
    assert database_state() == before
    assert SchoolLink.objects.count() == links_before


@pytest.mark.django_db
def test_the_same_figures_in_a_different_file_change_nothing(tmp_path):
    School.objects.create(urn=120777, la_code=926, name="Aldborough Primary School")
    census_import(academic_year=2018, path=write(tmp_path, "a.csv", f"{HEADER}\n{GOOD_ROW}\n"), la_code=926)
    before = database_state()[1:2] + database_state()[3:]
    result = census_import(academic_year=2018, path=write(tmp_path, "b.csv", f"{HEADER}\n{GOOD_ROW}\n\n"), la_code=926)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 6)
    assert database_state()[1:2] + database_state()[3:] == before


BAD_CENSUS = [
    ("wrong columns", "URN,LA,NAME\n120777,926,x\n", "bad.csv, row 1 (the header): this is not a DfE file SendFund knows"),
    ("not a number", f"{HEADER}\n{GOOD_ROW.replace(',120,', ',12o,', 1)}\n", "bad.csv, row 2 (counting the header as row 1), column NOR: '12o' is not a whole number"),
    ("negative", f"{HEADER}\n{GOOD_ROW.replace(',15,12.5', ',-15,12.5')}\n", "bad.csv, row 2 (counting the header as row 1), column TSENELK: '-15' is negative"),
    ("unknown URN", f"{HEADER}\n{GOOD_ROW}\n{GOOD_ROW.replace('120777', '999999')}\n",
     "bad.csv, row 3 (counting the header as row 1), column URN: URN 999999 is not in the school registry"),
    ("URN twice", f"{HEADER}\n{GOOD_ROW}\n{GOOD_ROW}\n", "bad.csv, row 3 (counting the header as row 1), column URN: URN 120777 is listed twice (also on row 2)"),
    ("bad URN", f"{HEADER}\n{GOOD_ROW.replace('120777', 'ABC')}\n", "bad.csv, row 2 (counting the header as row 1), column URN: 'ABC' is not a URN"),
    ("short row", f"{HEADER}\n120777,926,2000\n", "bad.csv, row 2 (counting the header as row 1): the row has 3 values but the header has 22"),
    ("empty", "", "bad.csv: the file is empty"),
    ("no rows for the LA", f"{HEADER}\n{GOOD_ROW.replace(',926,', ',927,')}\n", "bad.csv: the file has no rows for LA code 926"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("case", "text", "message"), BAD_CENSUS, ids=[c[0] for c in BAD_CENSUS])
def test_a_bad_census_file_stops_with_a_clear_message_and_changes_nothing(tmp_path, case, text, message):
    School.objects.create(urn=120777, la_code=926, name="Aldborough Primary School")
    census_import(academic_year=2018, path=write(tmp_path, "first.csv", f"{HEADER}\n{GOOD_ROW.replace(',120,', ',121,', 1)}\n"), la_code=926)
    before = database_state()
    with pytest.raises(ImportFailed) as error:
        census_import(academic_year=2018, path=write(tmp_path, "bad.csv", text), la_code=926)
    assert str(error.value).startswith(message), str(error.value)
    assert database_state() == before


@pytest.mark.django_db
def test_a_file_in_the_wrong_encoding_names_the_row(tmp_path):
    School.objects.create(urn=120777, la_code=926, name="Aldborough Primary School")
    text = f"{HEADER}\n{GOOD_ROW}\n{GOOD_ROW.replace('State-funded primary', 'Ecole élémentaire')}\n"
    path = write(tmp_path, "latin.csv", text, encoding="latin-1")
    with pytest.raises(ImportFailed, match=r"latin.csv, row 3 \(counting the header as row 1\): the file is not in the UTF-8 encoding"):
        census_import(academic_year=2018, path=path, la_code=926)
    assert SchoolFigure.objects.count() == 0


@pytest.mark.django_db
def test_a_failure_late_in_the_write_rolls_everything_back(tmp_path, monkeypatch):
    School.objects.create(urn=120777, la_code=926, name="Aldborough Primary School")
    before = database_state()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(census.SchoolFigure.objects, "bulk_update", boom)
    with pytest.raises(RuntimeError):
        census_import(academic_year=2018, path=write(tmp_path, "a.csv", f"{HEADER}\n{GOOD_ROW}\n"), la_code=926)
    assert database_state() == before


@pytest.mark.django_db
def test_spine_sets_names_and_status_and_a_bad_spine_changes_nothing(tmp_path):
    spine_import(path=SPINE, la_code=926)
    school = School.objects.get(urn=120777)
    assert school.name == "Aldborough Primary School"
    assert school.postcode == "NR11 7PH"
    assert school.is_open
    assert School.objects.filter(la_code=926, is_open=False).count() == 63
    before = database_state()
    bad = SPINE.read_text(encoding="utf-8").splitlines()
    bad[5] = bad[5].replace(",1,", ",7,", 1) if ",1,," in bad[5] else bad[5]
    header = bad[0].split(",")
    row = bad[5].split(",")
    row[header.index("ICLOSE")] = "7"
    bad[5] = ",".join(row)
    with pytest.raises(ImportFailed, match=r"row 6 \(counting the header as row 1\), column ICLOSE: '7' is not 1 \(open\)"):
        spine_import(path=write(tmp_path, "spine.csv", "\n".join(bad) + "\n"), la_code=926)
    assert database_state() == before


@pytest.mark.django_db
def test_links_record_successors_and_a_bad_date_is_named(tmp_path):
    spine_import(path=SPINE, la_code=926)
    result = links_import(path=LINKS)
    assert result.created > 0 and result.skipped > 0
    link = SchoolLink.objects.get(school__urn=120780, link_type="Successor")
    assert link.link_urn == 151635
    text = "URN,LinkURN,LinkName,LinkType,LinkEstablishedDate\n120777,150000,New School,Successor,31/02/2020\n"
    with pytest.raises(ImportFailed, match=r"row 2 \(counting the header as row 1\), column LinkEstablishedDate: '31/02/2020' is not a date"):
        links_import(path=write(tmp_path, "links.csv", text))
