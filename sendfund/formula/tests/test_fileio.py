"""File formats: each kind of bad input gets a message naming file, row and column."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from sendfund.formula.fileio import (
    FormulaInputError,
    format_pence,
    main,
    parse_pounds,
    read_previous,
    read_schools,
    read_version,
    run,
)

GOOD_SCHOOLS = "URN,cluster,pupils,fsm,sen_support,ehc_plans\n1,A,100,10,12,2\n2,A,200,30,20,3\n3,B,300,20,40,9\n"


def write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.write_text(text, encoding=encoding)
    return p


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "schools.csv: the file is empty"),
        ("   \n", "schools.csv: the file is empty"),
        ("URN,cluster,pupils\n", "schools.csv: there are no schools, only a header"),
        ("URN,pupils\n1,5\n", "schools.csv: column 'cluster' is missing"),
        ("cluster,pupils\nA,5\n", "schools.csv: column 'URN' is missing"),
        ("URN,cluster,pupils,pupils\n1,A,5,5\n", "schools.csv: column 'pupils' appears twice"),
        ("URN,cluster,pupils\n1,A,5\n2,A,-3\n", "schools.csv row 3 (counting the header as row 1) column 'pupils': -3 is negative"),
        ("URN,cluster,pupils\n1,A,five\n", "schools.csv row 2 (counting the header as row 1) column 'pupils': 'five' is not a whole number"),
        ("URN,cluster,pupils\n1,A,NA\n", "schools.csv row 2 (counting the header as row 1) column 'pupils': no value (school 1)"),
        ("URN,cluster,pupils\n1,A,\n", "schools.csv row 2 (counting the header as row 1) column 'pupils': no value"),
        ("URN,cluster,pupils\n1,A,5\n2,B,6\n1,C,7\n", "schools.csv row 4 (counting the header as row 1) column 'URN': school 1 is listed twice (first on row 2)"),
        ("URN,cluster,pupils\n1,,5\n", "schools.csv row 2 (counting the header as row 1) column 'cluster': school 1 has no cluster"),
        ("URN,cluster,pupils\n,A,5\n", "schools.csv row 2 (counting the header as row 1) column 'URN': no URN"),
        ("URN,cluster,pupils\n1,A\n", "schools.csv row 2 (counting the header as row 1): 2 values for 3 columns"),
        ("URN,cluster,pupils\n1,A,inf\n", "schools.csv row 2 (counting the header as row 1) column 'pupils': 'inf' is not a whole number"),
        # Counts are plain ASCII whole numbers (issue 9): none of these is read as a number.
        ('URN,cluster,pupils\n1,A,"1,2,3,4"\n', "column 'pupils': '1,2,3,4' is not a whole number"),
        ("URN,cluster,pupils\n1,A,１２\n", "column 'pupils': '１２' is not a whole number"),
        ("URN,cluster,pupils\n1,A,²\n", "column 'pupils': '²' is not a whole number"),
        ("URN,cluster,pupils\n1,A,1e3\n", "column 'pupils': '1e3' is not a whole number"),
        ("URN,cluster,pupils\n1,A,12.5\n", "column 'pupils': '12.5' is not a whole number"),
    ],
)
def test_bad_schools_file(tmp_path, text, message):
    with pytest.raises(FormulaInputError) as exc:
        read_schools(write(tmp_path, "schools.csv", text))
    assert message in str(exc.value)


def test_schools_file_with_bom_and_blank_lines(tmp_path):
    t = read_schools(write(tmp_path, "s.csv", "\ufeffURN,cluster,pupils\n1,A,5\n\n2,B,6\n"))
    assert t.urn.tolist() == ["1", "2"] and t.values["pupils"].tolist() == [5.0, 6.0]


def test_schools_file_not_utf8(tmp_path):
    p = tmp_path / "s.csv"
    p.write_bytes("URN,cluster,pupils\n1,Ch\xe2teau,5\n".encode("latin-1"))
    with pytest.raises(FormulaInputError, match="s.csv: not UTF-8"):
        read_schools(p)


def test_missing_file(tmp_path):
    with pytest.raises(FormulaInputError, match="no such file"):
        read_schools(tmp_path / "nope.csv")


COLUMNS = ("pupils", "fsm", "sen_support", "ehc_plans")


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"weights": {"pupils": 0.6, "fsm": 0.3}}, "v.json: the weights must add up to 1. They add up to 0.9"),
        ({"weights": {"pupils": 1.2, "fsm": -0.2}}, "v.json: the weight for fsm must be 0 or more"),
        ({"weights": {"pupil": 1}}, "v.json: weight 'pupil' names no column of the schools file"),
        ({"weights": {"pupils": "half"}}, "v.json: the weight for pupils must be a number, not 'half'"),
        ({"weigths": {"pupils": 1}}, "v.json: unknown key 'weigths'"),
        ({"weights": {"pupils": 1}, "lump_sum_per_school": 5000}, 'v.json: lump_sum_per_school: money must be a string of pounds like "1234.56"'),
        ({"weights": {"pupils": 1}, "lump_sum_per_school": "5000.001"}, "v.json: lump_sum_per_school: '5000.001' has fractions of a penny"),
        ({"weights": {"pupils": 1}, "lump_sum_per_cluster": "-5"}, "v.json: lump_sum_per_cluster: '-5' is negative"),
        ({"weights": {"pupils": 1}, "targeted": {"A": "lots"}}, "v.json: targeted amount for cluster 'A': 'lots' is not an amount of money"),
        ({"weights": {"pupils": 1}, "unit_values": {"ehc": "10"}}, "v.json: unit value 'ehc' names no column"),
        ({"weights": {"pupils": 1}, "need_indicators": ["sen"]}, "v.json: need indicator 'sen' names no column"),
        ({"weights": {"pupils": 1}, "need_indicators": "sen_support"}, "v.json: 'need_indicators' must be a list"),
        ({"weights": {"pupils": 1}, "need_weights": {"sen_support": 0.5, "ehc_plans": 0.6}}, "v.json: the need weights must add up to 1"),
        ({"weights": {"pupils": 1}, "protection": {"floor": -0.02, "ceiling": 0.1}}, "v.json: protection has unknown key 'ceiling'"),
        ({"weights": {"pupils": 1}, "protection": {"floor": -2}}, "v.json: the floor must be a change above -1"),
        ({"weights": {"pupils": 1}, "protection": {"floor": 0.1, "cap": 0.05}}, "v.json: the cap must not be below the floor"),
        ({"weights": {"pupils": 1}, "protection": {"per": "heads"}}, "v.json: protection 'per' 'heads' names no column"),
        ({"weights": {"pupils": 1}, "top_n": 2.5}, "v.json: top_n must be a whole number"),
        ({"weights": {"pupils": 1}, "evidence_years": 0}, "v.json: evidence_years must be 1 or more"),
        ([1, 2], "v.json: the version must be a JSON object"),
    ],
)
def test_bad_version_file(tmp_path, doc, message):
    with pytest.raises(FormulaInputError) as exc:
        read_version(write(tmp_path, "v.json", json.dumps(doc)), columns=COLUMNS)
    assert message in str(exc.value)


def test_version_file_not_json_or_empty(tmp_path):
    with pytest.raises(FormulaInputError, match=r"v.json line 1 column 2: not valid JSON"):
        read_version(write(tmp_path, "v.json", "{weights: 1}"))
    with pytest.raises(FormulaInputError, match="v.json: the file is empty"):
        read_version(write(tmp_path, "v.json", ""))


def test_full_version_file(tmp_path):
    doc = {
        "name": "2019-20 cluster formula",
        "weights": {"pupils": 0.5, "fsm": 0.3, "sen_support": 0.2},
        "unit_values": {"ehc_plans": "250.00"},
        "lump_sum_per_school": "1000.00",
        "lump_sum_per_cluster": "£2,000",
        "targeted": {"B": "1500.50"},
        "protection": {"floor": "-0.015", "cap": 0.03, "per": "pupils"},
        "need_indicators": ["sen_support", "ehc_plans"],
        "need_weights": {"sen_support": 0.4, "ehc_plans": 0.6},
        "evidence_threshold": 1.25,
        "evidence_years": 3,
        "evidence_min_indicators": 1,
        "top_n": 8,
    }
    v = read_version(write(tmp_path, "v.json", json.dumps(doc)), columns=COLUMNS)
    assert v.unit_values_pence == {"ehc_plans": 250_00}
    assert v.lump_sum_per_school_pence == 1000_00 and v.lump_sum_per_cluster_pence == 2000_00
    assert v.targeted_pence == {"B": 1500_50}
    assert v.protection.floor == -0.015 and v.protection.cap == 0.03
    assert v.need_weights == {"sen_support": 0.4, "ehc_plans": 0.6}
    assert (v.evidence_threshold, v.evidence_years, v.evidence_min_indicators, v.top_n) == (1.25, 3, 1, 8)


@pytest.mark.parametrize(
    ("text", "pence"),
    [("0", 0), ("1234.56", 123456), ("£9,400,000", 940000000), ("0.1", 10), (" 12.30 ", 1230)],
)
def test_parse_pounds(text, pence):
    assert parse_pounds(text, where="x") == pence


@pytest.mark.parametrize("bad", ["1.001", "-1", "abc", "NaN", "Infinity", 12, 1.5, None])
def test_parse_pounds_refuses(bad):
    with pytest.raises(FormulaInputError, match="^--pot: "):
        parse_pounds(bad, where="--pot")


@pytest.mark.parametrize(("pence", "text"), [(0, "0.00"), (5, "0.05"), (123456, "1234.56"), (-250, "-2.50")])
def test_format_pence(pence, text):
    assert format_pence(pence) == text


def test_run_writes_one_row_per_cluster_summing_to_the_pot(tmp_path):
    schools = write(tmp_path, "schools.csv", GOOD_SCHOOLS)
    version = write(
        tmp_path,
        "v.json",
        json.dumps({"weights": {"pupils": 0.5, "fsm": 0.5}, "lump_sum_per_school": "100.00", "need_indicators": ["sen_support", "ehc_plans"]}),
    )
    out = tmp_path / "out.csv"
    result = run(schools=schools, pot="10000.00", version=version, output=out, scenarios=200)
    rows = list(csv.DictReader(out.open()))
    assert [r["cluster"] for r in rows] == ["B", "A"]  # gap-rank order: B has more need
    header = out.read_text().splitlines()[0].split(",")
    assert header[:2] == ["cluster", "allocation"]
    assert sum(Decimal(r["allocation"]) for r in rows) == Decimal("10000.00")
    # Proxy pot 10000 - 3 x 100 = 9700. A: lumps 200 + pupils 4850 x 300/600 = 2425
    # + fsm 4850 x 40/60 = 3233.33 -> 5858.33
    a = next(r for r in rows if r["cluster"] == "A")
    assert a["allocation"] == "5858.33"
    assert a["lump_sum_per_school"] == "200.00" and a["factor:pupils"] == "2425.00"
    assert a["factor:fsm"] == "3233.33"
    parts = [k for k in a if k == "lump_sum_per_school" or k.startswith("factor:")]
    assert sum(Decimal(a[k]) for k in parts) == Decimal(a["allocation"])
    assert {"gap", "gap_rank", "combined_ratio", "clear_evidence", "invite", "top_n_frequency"} <= set(a)
    assert sum(Decimal(r["gap"]) for r in rows) == 0
    assert result.allocation.cluster_pence.sum() == 10000_00


def test_run_with_previous_and_compare(tmp_path):
    schools = write(tmp_path, "schools.csv", GOOD_SCHOOLS)
    cur = write(tmp_path, "cur.json", json.dumps({"weights": {"pupils": 1}, "need_indicators": ["sen_support"], "evidence_years": 2}))
    new = write(
        tmp_path,
        "new.json",
        json.dumps(
            {
                "weights": {"fsm": 1},
                "need_indicators": ["sen_support"],
                "protection": {"floor": "-0.05", "per": "pupils"},
            }
        ),
    )
    last = tmp_path / "last.csv"
    run(schools=schools, pot="600.00", version=cur, output=last)
    out = tmp_path / "out.csv"
    run(schools=schools, pot="600.00", version=new, output=out, previous=last, compare_with=cur)
    rows = {r["cluster"]: r for r in csv.DictReader(out.open())}
    # current: pupils 300:300 -> 300 each. proposed fsm 40:20 -> 400/200; B floored at 285
    assert rows["B"]["allocation"] == "285.00" and rows["B"]["protected"] == "floor"
    assert rows["A"]["allocation"] == "315.00"
    assert rows["A"]["current_allocation"] == "300.00" and rows["A"]["change"] == "15.00"
    assert rows["B"]["change_per_pupil"] == "-0.05"
    prev = read_previous(last)
    assert prev.pence.tolist() == [300_00, 300_00] or sorted(prev.pence.tolist()) == [300_00, 300_00]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "last.csv: the file is empty"),
        ("cluster,pupils\nA,5\n", "last.csv: column 'allocation' is missing"),
        ("cluster,allocation\n", "last.csv: there are no clusters"),
        ("cluster,allocation\nA,12.345\n", "last.csv row 2 (counting the header as row 1) column 'allocation': '12.345' has fractions of a penny"),
        ("cluster,allocation\nA,1\nA,2\n", "cluster A is listed more than once"),
    ],
)
def test_bad_previous_file(tmp_path, text, message):
    with pytest.raises(FormulaInputError) as exc:
        read_previous(write(tmp_path, "last.csv", text))
    assert message in str(exc.value)


def test_main_exit_codes_and_stderr(tmp_path):
    schools = write(tmp_path, "schools.csv", GOOD_SCHOOLS)
    good = write(tmp_path, "v.json", json.dumps({"weights": {"pupils": 1}}))
    bad = write(tmp_path, "bad.json", json.dumps({"weights": {"pupils": 0.5}}))
    out, err = io.StringIO(), io.StringIO()
    args = ["--schools", str(schools), "--pot", "100", "--output", str(tmp_path / "o.csv")]
    assert main([*args, "--version", str(good)], stdout=out, stderr=err) == 0
    assert "2 clusters, 3 schools, £100.00 allocated" in out.getvalue()
    assert main([*args, "--version", str(bad)], stdout=out, stderr=err) == 2
    assert "error: bad.json: the weights must add up to 1" in err.getvalue()
    assert main([*args, "--version", str(good), "--pot", "lots"], stdout=out, stderr=err) == 2
    assert "error: --pot: 'lots' is not an amount of money" in err.getvalue()


def test_failed_run_leaves_no_output(tmp_path):
    schools = write(tmp_path, "schools.csv", GOOD_SCHOOLS)
    version = write(tmp_path, "v.json", json.dumps({"weights": {"pupils": 1}, "lump_sum_per_school": "1000"}))
    with pytest.raises(FormulaInputError, match="more than the pot"):
        run(schools=schools, pot="100", version=version, output=tmp_path / "o.csv")
    assert not (tmp_path / "o.csv").exists()


def test_output_round_trips_as_next_years_previous(tmp_path):
    from sendfund.formula.engine import allocate, need_gap
    from sendfund.formula.fileio import write_allocation_csv

    schools = read_schools(write(tmp_path, "schools.csv", GOOD_SCHOOLS))
    version = read_version(write(tmp_path, "v.json", json.dumps(
        {"weights": {"pupils": 0.3, "fsm": 0.7}, "need_indicators": ["sen_support"], "evidence_years": 1})),
        columns=schools.columns)
    alloc = allocate(schools, pot_pence=1234567, version=version)
    out = io.StringIO()
    write_allocation_csv(out, alloc, version=version, gap=need_gap(alloc, version=version))
    prev = read_previous(io.StringIO(out.getvalue()))
    order = prev.cluster.argsort()
    assert prev.cluster[order].tolist() == alloc.clusters.tolist()
    assert prev.pence[order].tolist() == alloc.cluster_pence.tolist()
    assert prev.pupils[order].tolist() == alloc.cluster_totals["pupils"].tolist()
