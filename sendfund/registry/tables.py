"""Reading a CSV the DfE (or a council) publishes, all or nothing: the shared part of every importer.

Errors name the file, the row (as a spreadsheet numbers it: the header is row 1, and the message says so) and
the column. A file whose name ends in .gz is read compressed.
"""

import csv
import gzip
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from sendfund.core.audit import audit_record
from sendfund.core.errors import DomainError
from sendfund.core.numbers import counted

from .models import ImportBatch, Phase

# DfE's codes for a figure it does not publish: x (not available), z (not applicable), c (confidential), u (low
# reliability), NA, SUPP (suppressed), NE (no entries), LOWCOV (low coverage), NP (not published), - . and blank.
MISSING = {"", "NA", "na", "x", "z", "c", "u", "-", ".", "SUPP", "NE", "LOWCOV", "NP"}
# A count is plain ASCII digits: no commas ("1,2,3,4" is not 1234), signs, spaces, exponents or other scripts' digits.
_ASCII_COUNT = re.compile(r"[0-9]{1,9}", re.ASCII)
MAX_COUNT = 1_000_000  # no school counts a million pupils; anything above is a mistake in the file
ROW_NOTE = "counting the header as row 1"


CENSUS_PHASES = {
    "State-funded primary": Phase.PRIMARY,
    "State-funded secondary": Phase.SECONDARY,
    "State-funded special school": Phase.SPECIAL,
    "Non-maintained special school": Phase.SPECIAL,
    "State-funded nursery": Phase.NURSERY,
    "Pupil referral unit": Phase.PRU,
    "State-funded AP school": Phase.PRU,
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
        text = (f"{self.file_name}: {counted(self.rows, 'row')} read; {self.created:,} created, {self.updated:,} "
                f"updated, {self.unchanged:,} unchanged, {self.skipped:,} skipped.")
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
            where.append(f"row {row} ({ROW_NOTE})")
        if column is not None:
            where.append(f"column {column}")
        raise ImportFailed(f"{', '.join(where)}: {problem}")


def read_table(path: Path | str, *, required: list[str], encoding: str = "utf-8-sig", name: str | None = None) -> _Table:
    path = Path(path)
    name = name or path.name
    try:
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
    except OSError as exc:
        raise ImportFailed(f"{name}: the file cannot be read ({exc.strerror or exc})") from exc
    except (EOFError, gzip.BadGzipFile) as exc:
        raise ImportFailed(f"{name}: the compressed file is damaged") from exc
    if not raw.strip():
        raise ImportFailed(f"{name}: the file is empty")
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFailed(f"{name}, row {line} ({ROW_NOTE}): the file is not in the "
                           f"{encoding.replace('-sig', '').upper()} encoding the DfE uses for it; save it again as "
                           "CSV UTF-8") from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise ImportFailed(f"{name}: the file has no header row") from exc
    for position, column in enumerate(header, start=1):
        if _unsafe(column):
            raise ImportFailed(f"{name}, row 1 (the header), column {position}: the column name contains a control "
                               "character; check it is the right file")
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportFailed(f"{name}, row 1 (the header): the file is missing the column{'s' if len(missing) > 1 else ''} "
                           f"{', '.join(missing)}; check it is the right file")
    rows = []
    try:
        for number, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            if len(values) != len(header):
                raise ImportFailed(f"{name}, row {number} ({ROW_NOTE}): the row has {len(values)} values but the "
                                   f"header has {len(header)}")
            for column, value in zip(header, values, strict=True):
                if _unsafe(value):
                    raise ImportFailed(f"{name}, row {number} ({ROW_NOTE}), column {column}: the value contains a "
                                       "control character or a line break; type it again as plain text")
            rows.append((number, dict(zip(header, (v.strip() for v in values), strict=True))))
    except csv.Error as exc:
        raise ImportFailed(f"{name}, row {reader.line_num} ({ROW_NOTE}): the row is not valid CSV ({exc})") from exc
    return _Table(name, hashlib.sha256(raw).hexdigest(), header, rows)


def _unsafe(text: str) -> bool:
    """Control characters (NUL, line breaks inside a cell...) and bidirectional overrides."""
    return any(unicodedata.category(ch) in ("Cc", "Cf") and ch != "\ufeff" for ch in text)


def _shown(text: str) -> str:
    """A cell as an error message quotes it: short, whatever it holds."""
    return repr(text[:40] + ("…" if len(text) > 40 else ""))


def _count(table: _Table, row: int, column: str, text: str) -> int | None:
    """A count in plain ASCII digits, or None for a DfE missing-value code. Anything else stops the import."""
    if text in MISSING:
        return None
    if not _ASCII_COUNT.fullmatch(text):
        if text.startswith("-") and _ASCII_COUNT.fullmatch(text[1:]):
            table.fail(row, column, f"{_shown(text)} is negative; a count cannot be less than 0")
        if re.fullmatch(r"[0-9]+", text, re.ASCII):
            table.fail(row, column, f"{_shown(text)} is too large for a count of pupils")
        table.fail(row, column, f"{_shown(text)} is not a whole number: a count is written with the digits 0 to 9 "
                                "only, with no commas, spaces or signs (or a DfE code such as x, z, c or NA)")
    value = int(text)
    if value > MAX_COUNT:
        table.fail(row, column, f"{_shown(text)} is too large for a count of pupils (at most {MAX_COUNT:,})")
    return value


def _urn(table: _Table, row: int, column: str, text: str) -> int:
    if not re.fullmatch(r"[1-9][0-9]{4,7}", text, re.ASCII):
        table.fail(row, column, f"{_shown(text)} is not a URN (a URN is a number, like 120777)")
    return int(text)


def _already(kind: str, table: _Table, la_code: int | None) -> bool:
    return ImportBatch.objects.filter(kind=kind, sha256=table.sha256, la_code=la_code).exists()


def _audit_import(batch: ImportBatch, result: ImportResult, actor) -> None:
    audit_record(actor=actor, verb=f"registry.{batch.kind.split('-')[0]}_imported", target=batch,
                 after={"file": batch.file_name, "sha256": batch.sha256, "la_code": batch.la_code, "rows": batch.rows,
                        "created": result.created, "updated": result.updated})


