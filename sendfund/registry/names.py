"""Files that name schools without a URN: match each name to the registry, let the officer review the mapping,
then import only when every row is resolved (matched, chosen by the officer, or deliberately skipped).

Names are compared after normalising: case, punctuation and spacing; "&" and "and"; "St" and "Saint";
"C of E", "CE" and "Church of England"; "Academy" and "School" dropped, "Primary School" as "Primary". When two
registry schools share a name (a school and the academy that replaced it, say), the one open at the file's date
is preferred: the one in that year's census, else the one without a successor by then (GIAS links).
"""

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from .census import census_date_for, census_import, recognise
from .models import School, SchoolLink
from .tables import ImportFailed, ImportResult, _shown, read_table

EXACT, ONE, SEVERAL, NONE = "exact", "one candidate", "several", "none"
SKIP = "skip"
MAPPING_COLUMNS = ["row", "name_in_file", "status", "candidates", "urn"]

_REPLACE = [
    (r"&", " and "),
    (r"\bc\s*of\s*e\b", " church of england "),
    (r"\bc\.?\s?e\.?(?=\s|$)", " church of england "),
    (r"\bst\.?(?=\s)", " saint "),
    (r"['’`]", ""),
    (r"[^a-z0-9]+", " "),
    (r"\bprimary school\b", " primary "),
    (r"\b(academy|school)\b", " "),
]


def normalise(name: str) -> str:
    """A school name reduced to what identifies it: 'St Mary's C of E Primary School' -> 'saint marys church of
    england primary'."""
    text = f" {name.lower()} "
    for pattern, repl in _REPLACE:
        text = re.sub(pattern, repl, text)
    return " ".join(text.split())


@dataclass
class Match:
    row: int
    name: str
    status: str
    candidates: list[School]

    @property
    def proposed(self) -> int | None:
        return self.candidates[0].urn if self.status in (EXACT, ONE) else None


def _prefer_open(candidates: list[School], academic_year: int, successors: dict[int, list]) -> list[School]:
    in_census = [s for s in candidates if academic_year in s.census_years]
    if len(in_census) == 1:
        return in_census
    census_day = census_date_for(academic_year)
    still_open = [s for s in candidates
                  if not any(d is None or d <= census_day for d in successors.get(s.pk, []))]
    return still_open if len(still_open) == 1 else candidates


def name_match(*, path: Path | str, la_code: int, academic_year: int, la_name: str | None = None) -> list[Match]:
    """Each row of a name-keyed file (of this LA, when the file has an la_name column) with its status and
    candidates: exact (one school of that exact name), one candidate, several, or none."""
    table = read_table(path, required=[])
    layout = recognise(table)
    if not layout.school_name:
        raise ImportFailed(f"{table.name}: the file has URNs or LAESTABs; import it directly")
    schools = list(School.objects.filter(la_code=la_code).prefetch_related("figures"))
    for s in schools:
        s.census_years = {f.academic_year for f in s.figures.all()}
    successors: dict[int, list] = {}
    for school_id, date in SchoolLink.objects.filter(school__in=schools, link_type__startswith="Successor") \
            .values_list("school_id", "established_on"):
        successors.setdefault(school_id, []).append(date)
    by_exact, by_norm = {}, {}
    for s in schools:
        by_exact.setdefault(s.name.strip().lower(), []).append(s)
        by_norm.setdefault(normalise(s.name), []).append(s)
    matches = []
    for number, row in table.rows:
        if la_name and "la_name" in row and row["la_name"] != la_name:
            continue
        name = row[layout.school_name]
        if not name:
            table.fail(number, layout.school_name, "the school has no name")
        exact = by_exact.get(name.strip().lower(), [])
        if len(exact) == 1:
            matches.append(Match(number, name, EXACT, exact))
            continue
        found = _prefer_open(exact or by_norm.get(normalise(name), []), academic_year, successors)
        status = NONE if not found else ONE if len(found) == 1 else SEVERAL
        matches.append(Match(number, name, status, sorted(found, key=lambda s: s.urn)))
    if not matches:
        raise ImportFailed(f"{table.name}: the file has no rows for this council")
    return matches


def mapping_write(matches: list[Match]) -> str:
    """The mapping for the officer, as CSV: the urn column is filled where the match is sure; the officer fills in
    the rest with a URN or 'skip', and may change any."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MAPPING_COLUMNS)
    for m in matches:
        writer.writerow([m.row, m.name, m.status, "; ".join(f"{s.urn} {s.name}" for s in m.candidates),
                         m.proposed or ""])
    return out.getvalue()


@dataclass
class Resolution:
    keys: dict[int, int]  # file row -> URN
    matched: list[int]
    chosen: list[int]
    skipped: list[int]


def mapping_read(*, path: Path | str, matches: list[Match], la_code: int) -> Resolution:
    """The officer's reviewed mapping. Raises ImportFailed (mapping file, row, column) for a row left unresolved,
    a URN that is not a school of the council, a school given to two rows, or a mapping for another file."""
    table = read_table(path, required=MAPPING_COLUMNS)
    expected = {m.row: m for m in matches}
    urns = set(School.objects.filter(la_code=la_code).values_list("urn", flat=True))
    res, seen, done = Resolution({}, [], [], []), {}, set()
    for number, row in table.rows:
        if not row["row"].isascii() or not row["row"].isdigit() or int(row["row"]) not in expected:
            table.fail(number, "row", f"{_shown(row['row'])} is not a row of the file being imported")
        file_row = int(row["row"])
        match = expected[file_row]
        if row["name_in_file"] != match.name:
            table.fail(number, "name_in_file", f"the file's row {file_row} names {match.name!r}; the mapping is for "
                                               "another file or an older version of it")
        decision = row["urn"].strip()
        if decision.lower() == SKIP:
            res.skipped.append(file_row)
        elif not decision:
            table.fail(number, "urn", f"{match.name} ({match.status}) is not resolved: type the school's URN, or "
                                      "skip to leave the row out")
        elif not (decision.isascii() and decision.isdigit()) or int(decision) not in urns:
            table.fail(number, "urn", f"{_shown(decision)} is not the URN of one of the council's schools")
        else:
            urn = int(decision)
            if urn in seen:
                table.fail(number, "urn", f"URN {urn} is also given to row {seen[urn]} of the file")
            seen[urn] = file_row
            res.keys[file_row] = urn
            (res.matched if urn == match.proposed else res.chosen).append(file_row)
        done.add(file_row)
    missing = sorted(set(expected) - done)
    if missing:
        raise ImportFailed(f"{table.name}: the mapping does not cover the file's rows "
                           f"{', '.join(map(str, missing[:10]))}{' and more' if len(missing) > 10 else ''}")
    return res


def name_keyed_import(*, path: Path | str, mapping: Path | str, la_code: int, academic_year: int,
                      la_name: str | None = None, actor=None) -> tuple[ImportResult, Resolution]:
    """Import a name-keyed file once every row is resolved in the officer's mapping; nothing before."""
    matches = name_match(path=path, la_code=la_code, academic_year=academic_year, la_name=la_name)
    resolution = mapping_read(path=mapping, matches=matches, la_code=la_code)
    if not resolution.keys:
        raise ImportFailed(f"{Path(mapping).name}: every row is skipped, so there is nothing to import")
    result = census_import(path=path, la_code=la_code, academic_year=academic_year, keys=resolution.keys,
                           actor=actor)
    result.notes.append(f"{len(resolution.matched)} rows matched, {len(resolution.chosen)} chosen by the officer, "
                        f"{len(resolution.skipped)} skipped.")
    return result, resolution
