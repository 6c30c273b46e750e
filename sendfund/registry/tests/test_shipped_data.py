"""The reduced and compressed files in data/ still add up to the totals their SOURCE.md gives."""

import csv
import gzip
import io
from pathlib import Path

from django.conf import settings

DATA = Path(settings.BASE_DIR) / "data"


def rows(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def total(rs, column) -> int:
    return sum(int(r[column]) for r in rs if r[column].isdigit())


def test_spc_2023_reduced_file_keeps_the_published_totals():
    spc = rows(DATA / "dfe-school-census-2023" / "spc_2022-23_england_reduced.csv.gz")
    assert len(spc) == 24_442 and len({r["urn"] for r in spc}) == 24_442
    assert total(spc, "headcount of pupils") == 9_073_829
    assert total(spc, "number of pupils known to be eligible for free school meals") == 2_019_508
    norfolk = [r for r in spc if r["old_la_code"] == "926"]
    assert (len(norfolk), total(norfolk, "headcount of pupils")) == (454, 125_014)
    primary = [r for r in norfolk if r["phase_type_grouping"] == "State-funded primary"]
    assert (total(primary, "number of pupils known to be eligible for free school meals"),
            total(primary, "headcount of pupils")) == (14_989, 65_682)
    full = rows(DATA / "dfe-school-census-2023" / "spc_2022-23_norfolk.csv.gz")
    assert len(full) == 454 and len(full[0]) == 268
    assert {(r["urn"], r["headcount of pupils"]) for r in full} == {(r["urn"], r["headcount of pupils"]) for r in norfolk}


def test_sen_2023_file_keeps_the_published_totals():
    sen = rows(DATA / "dfe-sen-school-level" / "sen_school_level_2022-23_england_with_urn.csv.gz")
    assert (total(sen, "Total pupils"), total(sen, "SEN support"), total(sen, "EHC plan")) == (
        9_073_832, 1_183_384, 389_171)
    norfolk = rows(DATA / "dfe-sen-school-level" / "sen_school_level_2022-23_norfolk_with_urn.csv")
    assert (total(norfolk, "Total pupils"), total(norfolk, "SEN support"), total(norfolk, "EHC plan")) == (
        125_014, 17_412, 5_853)


def test_outcome_files_keep_their_rows_and_the_norfolk_results():
    absence = rows(DATA / "dfe-school-outcomes" / "england_abs_2018-19.csv.gz")
    assert len(absence) == 21_217 and sum(r["LA"] == "926" for r in absence) == 416
    ks4 = rows(DATA / "dfe-school-outcomes" / "england_ks4provisional_2018-19_reduced.csv.gz")
    assert len(ks4) == 5_652
    la_row = next(r for r in ks4 if r["RECTYPE"] == "4" and r["LEA"] == "926")
    assert (la_row["ATT8SCR"], la_row["P8MEA"]) == ("45.1", "-0.01")
    assert sum(r["LEA"] == "926" and r["RECTYPE"] in ("1", "2") for r in ks4) == 84
