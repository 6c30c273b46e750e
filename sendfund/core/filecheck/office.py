"""Word, Excel and OpenDocument files are ZIP archives: opened, never extracted.

Every entry's declared size and compression ratio are checked before a byte is decompressed, and a
read never goes past the declared size, so a zip bomb is refused at once. Macros are refused wherever
they sit and whatever the extension says; XML is parsed only with defusedxml, with DTDs, entities and
external references forbidden. The kind comes from the parts (the content types, the main part, the
`mimetype` entry), not the name.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from .messages import (
    DAMAGED,
    ENCRYPTED,
    EXTERNAL_CONTENT,
    MACROS,
    RUNS_FORMULA,
    TOO_LONG,
    UNSAFE_XML,
    WRONG_TYPE,
    ZIP_BOMB,
    UploadRefused,
)

MAX_ENTRIES = 5_000
MAX_ENTRY_BYTES = 40 * 1024 * 1024  # declared, uncompressed
MAX_TOTAL_BYTES = 80 * 1024 * 1024
MAX_RATIO = 100  # uncompressed : compressed, for entries over RATIO_FROM bytes
RATIO_FROM = 1024 * 1024
MAX_TEXT_CHARS = 1_000_000
MAX_ROWS = 100_000

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
# Relationships that fetch something from elsewhere when the file opens (remote templates, linked objects).
LOADS_ON_OPEN = ("attachedTemplate", "oleObject", "frame", "subDocument", "control")

# Content types, relationship types and folder names that mean code: VBA, Excel 4.0 macro sheets, ActiveX.
MACRO_WORDS = ("macroenabled", "vbaproject", "vbadata", "activex", "macrosheet")

MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": ".xlsx",
}
MACRO_MAIN_TYPES = {
    "application/vnd.ms-word.document.macroEnabled.main+xml": ".docx",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": ".docx",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": ".xlsx",
    "application/vnd.ms-excel.template.macroEnabled.main+xml": ".xlsx",
    "application/vnd.ms-excel.sheet.binary.macroEnabled.main": ".xlsx",
    "application/vnd.ms-excel.addin.macroEnabled.main+xml": ".xlsx",
}
ODF_TYPES = {"application/vnd.oasis.opendocument.text": ".odt",
             "application/vnd.oasis.opendocument.spreadsheet": ".ods"}

OFFICE_NS = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
SCRIPT_NS = "{urn:oasis:names:tc:opendocument:xmlns:script:1.0}"
MANIFEST_NS = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"
MACRO_LINK = re.compile(r"^\s*(vnd\.sun\.star\.script:|macro:|vbscript:|javascript:)", re.IGNORECASE)


class Package:
    """An archive whose entries have been checked for size; reads parts within their declared size."""

    def __init__(self, data: bytes, extension: str):
        self.extension = extension  # what the name claims, until the parts say what the file is
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            raise UploadRefused(DAMAGED) from exc
        if len(infos) > MAX_ENTRIES:
            raise UploadRefused(ZIP_BOMB.format(extension=extension))
        self.infos: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            if info.filename in self.infos:
                raise UploadRefused(DAMAGED)  # two entries of one name: readers would disagree on which
            self.infos[info.filename] = info
            total += info.file_size
        self.total = total

    def check_sizes(self) -> None:
        bomb = UploadRefused(ZIP_BOMB.format(extension=self.extension))
        if self.total > MAX_TOTAL_BYTES:
            raise bomb
        for info in self.infos.values():
            if info.flag_bits & 0x1:
                raise UploadRefused(ENCRYPTED)
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise UploadRefused(DAMAGED)
            if info.file_size > MAX_ENTRY_BYTES:
                raise bomb
            if info.file_size > RATIO_FROM and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise bomb

    def names(self) -> list[str]:
        return list(self.infos)

    def read(self, name: str) -> bytes:
        info = self.infos[name]
        try:
            with self.zip.open(info) as stream:
                data = stream.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, NotImplementedError) as exc:
            raise UploadRefused(DAMAGED) from exc
        if len(data) > info.file_size:
            raise UploadRefused(ZIP_BOMB.format(extension=self.extension))
        return data

    def xml(self, name: str):
        """A part parsed with defusedxml: no DTD, no entities, no external references."""
        try:
            return SafeET.fromstring(self.read(name), forbid_dtd=True, forbid_entities=True, forbid_external=True)
        except DefusedXmlException as exc:
            raise UploadRefused(UNSAFE_XML.format(extension=self.extension)) from exc
        except (SyntaxError, ValueError) as exc:  # ParseError is a SyntaxError
            raise UploadRefused(DAMAGED) from exc

    def check_all_xml(self) -> dict:
        """Parse every XML part once (so a DTD or entity anywhere is refused); the trees by name."""
        return {name: self.xml(name) for name in self.infos
                if name.lower().endswith((".xml", ".rels")) and not name.endswith("/")}


def check_office(data: bytes, claimed: str) -> tuple[str, list[tuple[str, str]]]:
    """The true extension of an Office Open XML or OpenDocument file and its text by place; raises
    UploadRefused. `claimed` is the name's extension, used in messages until the parts say otherwise."""
    package = Package(data, claimed)
    package.check_sizes()  # before a single byte is decompressed
    names = set(package.names())
    try:
        if "mimetype" in names:
            return _check_odf(package)
        if "[Content_Types].xml" in names:
            return _check_ooxml(package)
    except UploadRefused:
        raise
    except Exception as exc:  # whatever else a crafted file makes the reading trip on, it is not a sound file
        raise UploadRefused(DAMAGED) from exc
    raise UploadRefused(WRONG_TYPE)


# --- Office Open XML --------------------------------------------------------------------------------------

def _ooxml_kind(package: Package) -> tuple[str, str, bool]:
    """(extension, main part, macro-enabled) from the content types and the package relationships."""
    types = package.xml("[Content_Types].xml")
    defaults = {d.get("Extension", "").lower(): d.get("ContentType", "") for d in types.iter(CT + "Default")}
    overrides = {o.get("PartName", "").lstrip("/"): o.get("ContentType", "") for o in types.iter(CT + "Override")}
    all_types = list(defaults.values()) + list(overrides.values())
    macros = any(word in t.lower() for t in all_types for word in MACRO_WORDS)
    if "_rels/.rels" not in package.infos:
        raise UploadRefused(DAMAGED)
    main = None
    for rel in package.xml("_rels/.rels").iter(REL + "Relationship"):
        if rel.get("Type") == OFFICE_DOCUMENT:
            main = rel.get("Target", "").lstrip("/")
    if not main or main not in package.infos:
        raise UploadRefused(WRONG_TYPE)
    main_type = overrides.get(main) or defaults.get(main.rpartition(".")[2].lower(), "")
    if main_type in MACRO_MAIN_TYPES:
        return MACRO_MAIN_TYPES[main_type], main, True
    if main_type not in MAIN_TYPES:
        raise UploadRefused(WRONG_TYPE)
    return MAIN_TYPES[main_type], main, macros


def _check_ooxml(package: Package) -> tuple[str, list[tuple[str, str]]]:
    extension, main, macros = _ooxml_kind(package)
    package.extension = extension
    if macros or any(posixpath.basename(n).lower() in ("vbaproject.bin", "vbadata.xml", "vbaprojectsignature.bin")
                     or "/activex/" in n.lower() or "/macrosheets/" in n.lower() for n in package.names()):
        raise UploadRefused(MACROS.format(extension=extension))
    trees = package.check_all_xml()
    for name, tree in trees.items():
        if name.endswith(".rels"):
            for rel in tree.iter(REL + "Relationship"):
                if any(word in rel.get("Type", "").lower() for word in MACRO_WORDS):
                    raise UploadRefused(MACROS.format(extension=extension))
                if rel.get("TargetMode") == "External" and rel.get("Type", "").rsplit("/", 1)[-1] in LOADS_ON_OPEN:
                    raise UploadRefused(EXTERNAL_CONTENT.format(extension=extension))
    for tree in trees.values():
        for formula in tree.iter(S + "f"):
            if formula.text and RUNNING_FORMULA.search(formula.text):
                raise UploadRefused(RUNS_FORMULA.format(extension=extension))
    text = _docx_text(trees, main) if extension == ".docx" else _xlsx_text(package, trees, main)
    return extension, _bounded(text) + _bounded(_hidden_text(trees))  # each within the limit


# Formulas that run a program or reach out when calculated: DDE links (=cmd|' /C calc'!A0), and the functions
# that call code or fetch from the web.
RUNNING_FORMULA = re.compile(r"\|\s*['\"]|\b(?:DDE|DDEAUTO|WEBSERVICE|FILTERXML|CALL|REGISTER(?:\.ID)?|EXEC)\s*\(",
                             re.IGNORECASE)

# Parts that hold only layout and settings, and elements that hold the file's own dates (a document made in 2015
# is not a child born then); attributes that hold words a reader can see (alt text, a sheet's name).
LAYOUT_PARTS = re.compile(r"(^|/)(styles|theme\d*|fontTable|settings|webSettings|numbering|manifest)\.xml$|\.rels$|"
                          r"^\[Content_Types\]\.xml$")
FILE_DATES = ("created", "modified", "lastPrinted", "creation-date", "date", "print-date")
SHOWN_ATTRIBUTES = ("descr", "title", "name", "description")


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _hidden_text(trees: dict):
    """Words anywhere in the package besides the body a reader sees first: properties (title, author...),
    comments and notes, headers and footers, sheet and range names, drop-down lists, formulas, alt text and
    tracked deletions. Each part as one chunk, each piece on its own line (so no match spans two)."""
    for name, tree in sorted(trees.items()):
        if LAYOUT_PARTS.search(name):
            continue
        pieces = []
        for node in tree.iter():
            if not isinstance(node.tag, str):
                continue
            if node.text and node.text.strip() and _local(node.tag) not in FILE_DATES:
                pieces.append(node.text.strip())
            pieces.extend(value for key, value in node.attrib.items()
                          if _local(key) in SHOWN_ATTRIBUTES and value.strip())
        if pieces:
            place = "the file's properties" if name.startswith("docProps/") or name == "meta.xml" else (
                "a hidden part of the file (comments, notes, headers, names, alt text or tracked changes)")
            yield place, "\n".join(pieces)


def _bounded(chunks) -> list[tuple[str, str]]:
    out, total = [], 0
    for where, chunk in chunks:
        total += len(chunk)
        if total > MAX_TEXT_CHARS:
            raise UploadRefused(TOO_LONG)
        if chunk.strip():
            out.append((where, chunk))
    return out


def _w_text(element) -> str:
    parts = []
    for node in element.iter():
        if node.tag == W + "t" and node.text:
            parts.append(node.text)
        elif node.tag == W + "tab":
            parts.append("\t")
        elif node.tag in (W + "br", W + "cr"):
            parts.append("\n")
    return "".join(parts)


def _docx_text(trees: dict, main: str):
    body = trees[main].find(W + "body")
    paragraphs = tables = 0
    for child in (body if body is not None else []):
        if child.tag == W + "p":
            paragraphs += 1
            yield f"paragraph {paragraphs}", _w_text(child)
        elif child.tag == W + "tbl":
            tables += 1
            for row_number, row in enumerate(child.iter(W + "tr"), start=1):
                yield f"table {tables}, row {row_number}", "\t".join(_w_text(cell) for cell in row.iter(W + "tc"))
        elif child.tag == W + "sdt":
            paragraphs += 1
            yield f"paragraph {paragraphs}", _w_text(child)
    folder = posixpath.dirname(main)
    for name, tree in trees.items():
        base = posixpath.basename(name)
        if posixpath.dirname(name) == folder and re.match(r"(header|footer)\d*\.xml$|(footnotes|endnotes|comments)\.xml$", base):
            yield base.removesuffix(".xml").rstrip("0123456789") or base, "\n".join(
                _w_text(p) for p in tree.iter(W + "p"))


def _rels_of(trees: dict, part: str) -> dict[str, str]:
    folder, base = posixpath.split(part)
    rels = trees.get(posixpath.join(folder, "_rels", base + ".rels"))
    out = {}
    for rel in (rels.iter(REL + "Relationship") if rels is not None else []):
        target = rel.get("Target", "")
        out[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
            posixpath.join(folder, target))
    return out


BUILTIN_DATE_FORMATS = set(range(14, 23)) | set(range(45, 48)) | set(range(27, 37)) | set(range(50, 59))


def _date_styles(trees: dict, folder: str) -> set[int]:
    """The cell styles (indexes) whose number format shows a date."""
    styles = trees.get(posixpath.join(folder, "styles.xml"))
    if styles is None:
        return set()
    date_formats = set(BUILTIN_DATE_FORMATS)
    for fmt in styles.iter(S + "numFmt"):
        code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", fmt.get("formatCode", "")).lower()
        if re.search(r"[dy]", code) or re.search(r"m{3,}", code):
            date_formats.add(int(fmt.get("numFmtId", "-1")))
    cell_xfs = styles.find(S + "cellXfs")
    return {index for index, xf in enumerate(cell_xfs if cell_xfs is not None else [])
            if int(xf.get("numFmtId", "0")) in date_formats}


def _serial_date(value: str) -> str:
    try:
        day = dt.date(1899, 12, 30) + dt.timedelta(days=int(float(value)))
    except (ValueError, OverflowError):
        return value
    return f"{day:%d/%m/%Y}"


def _xlsx_text(package: Package, trees: dict, main: str):
    folder = posixpath.dirname(main)
    rels = _rels_of(trees, main)
    shared = []
    for target in rels.values():
        if posixpath.basename(target) == "sharedStrings.xml" and target in trees:
            shared = ["".join(t.text or "" for t in si.iter(S + "t")) for si in trees[target].iter(S + "si")]
    date_styles = _date_styles(trees, folder)
    rows_seen = 0
    for sheet in trees[main].iter(S + "sheet"):
        part = rels.get(sheet.get(R_ID))
        if part not in trees:
            continue
        for row in trees[part].iter(S + "row"):
            rows_seen += 1
            if rows_seen > MAX_ROWS:
                raise UploadRefused(TOO_LONG)
            cells = []
            for cell in row.iter(S + "c"):
                kind, value = cell.get("t"), cell.find(S + "v")
                raw = value.text if value is not None and value.text else ""
                if kind == "s":
                    cells.append(shared[int(raw)] if raw.isdigit() and int(raw) < len(shared) else "")
                elif kind == "inlineStr":
                    cells.append("".join(t.text or "" for t in cell.iter(S + "t")))
                elif kind in (None, "n") and raw and int(cell.get("s", "0") or 0) in date_styles:
                    cells.append(_serial_date(raw))
                else:
                    cells.append(raw)
            yield f"sheet '{sheet.get('name', '')}', row {row.get('r', rows_seen)}", "\t".join(cells)


# --- OpenDocument -------------------------------------------------------------------------------------------

def _check_odf(package: Package) -> tuple[str, list[tuple[str, str]]]:
    mimetype = package.read("mimetype").decode("ascii", "replace").strip()
    extension = ODF_TYPES.get(mimetype)
    if extension is None:
        raise UploadRefused(WRONG_TYPE)
    package.extension = extension
    if any(n.lower().startswith(("basic/", "scripts/")) for n in package.names()):
        raise UploadRefused(MACROS.format(extension=extension))
    trees = package.check_all_xml()
    manifest = trees.get("META-INF/manifest.xml")
    if manifest is not None:
        for entry in manifest.iter(MANIFEST_NS + "file-entry"):
            path = entry.get(MANIFEST_NS + "full-path", "")
            media = entry.get(MANIFEST_NS + "media-type", "")
            if path.lower().startswith(("basic/", "scripts/")) or "basic" in media.lower() or "script" in media.lower():
                raise UploadRefused(MACROS.format(extension=extension))
            if path == "/" and media and media != mimetype:
                raise UploadRefused(WRONG_TYPE)
    for name in ("content.xml", "styles.xml", "settings.xml", "meta.xml"):
        tree = trees.get(name)
        for node in (tree.iter() if tree is not None else []):
            if isinstance(node.tag, str) and node.tag.startswith(SCRIPT_NS):
                raise UploadRefused(MACROS.format(extension=extension))
            if any(MACRO_LINK.match(v) for v in node.attrib.values()):
                raise UploadRefused(MACROS.format(extension=extension))
    content = trees.get("content.xml")
    if content is None:
        raise UploadRefused(DAMAGED)
    chunks = _ods_text(content) if extension == ".ods" else _odt_text(content)
    return extension, _bounded(chunks) + _bounded(_hidden_text(trees))


def _q(ns: str, tag: str) -> str:
    return "{" + ns + "}" + tag


def _odf_text(element) -> str:
    return "".join(element.itertext())


def _odt_text(content):
    body = content.find(_q(OFFICE_NS, "body"))
    text = body.find(_q(OFFICE_NS, "text")) if body is not None else None
    paragraphs = tables = 0
    for child in (text if text is not None else []):
        if child.tag == _q(TABLE_NS, "table"):
            tables += 1
            for number, row in enumerate(child.iter(_q(TABLE_NS, "table-row")), start=1):
                yield (f"table {tables}, row {number}",
                       "\t".join(_odf_text(cell) for cell in row.iter(_q(TABLE_NS, "table-cell"))))
        else:
            for paragraph in ([child] if child.tag in (_q(TEXT_NS, "p"), _q(TEXT_NS, "h"))
                              else child.iter(_q(TEXT_NS, "p"))):
                paragraphs += 1
                yield f"paragraph {paragraphs}", _odf_text(paragraph)


def _ods_text(content):
    rows_seen = 0
    for table in content.iter(_q(TABLE_NS, "table")):
        number = 0
        for row in table.iter(_q(TABLE_NS, "table-row")):
            repeat = row.get(_q(TABLE_NS, "number-rows-repeated"), "1")
            first = number + 1
            number += int(repeat) if repeat.isdigit() else 1
            rows_seen += 1
            if rows_seen > MAX_ROWS:
                raise UploadRefused(TOO_LONG)
            cells = []
            for cell in row.iter(_q(TABLE_NS, "table-cell")):
                date = cell.get(_q(OFFICE_NS, "date-value"))
                if date and re.match(r"\d{4}-\d{2}-\d{2}", date):
                    cells.append(f"{date[8:10]}/{date[5:7]}/{date[0:4]}")
                else:
                    cells.append(_odf_text(cell) or cell.get(_q(OFFICE_NS, "value"), ""))
            yield f"sheet '{table.get(_q(TABLE_NS, 'name'), '')}', row {first}", "\t".join(cells)
