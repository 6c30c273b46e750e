"""The one upload checker: a file is judged by what it is, not by its name or its first bytes.

Every upload in the product goes through `check_upload` (applications now; monitoring returns and
Health Check evidence later). Allowed kinds: PDF, Word (.docx), Excel (.xlsx), OpenDocument text (.odt)
and spreadsheet (.ods), at most 10MB. The checker

- refuses names with hidden or control characters, names that are only an extension, and double
  extensions (plan.pdf.exe, plan.exe.pdf);
- reads a PDF with pypdf in strict mode (pdf.py) and an Office or OpenDocument file as a ZIP without
  extracting it (office.py); each refuses what could run, hide or expand (macros, scripts, actions,
  attachments, encryption, zip bombs, XML entities) with its own message;
- requires the name's extension to be the kind the bytes are;
- runs the privacy screen over the file's name, and over the document's text, within limits: the body, and
  what a reader can reveal besides (properties, comments, notes, headers, names of sheets, alt text, tracked
  deletions; a PDF's metadata, annotations and bookmarks).

It returns the true kind and a clean name (the user's name with the true extension); the caller stores
the bytes under a name the server makes. `UploadRefused` carries a GOV.UK error message.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from sendfund.core import privacy

from .messages import (
    DOTFILE_NAME,
    DOUBLE_EXTENSION,
    EMPTY,
    HIDDEN_CHARACTERS,
    MISMATCH,
    POLYGLOT,
    TOO_BIG,
    WRONG_TYPE,
    UploadRefused,
)

MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Kind:
    extension: str
    content_type: str
    label: str  # 'a Word document': how a message names it


PDF = Kind(".pdf", "application/pdf", "a PDF")
DOCX = Kind(".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "a Word document")
XLSX = Kind(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "an Excel spreadsheet")
ODT = Kind(".odt", "application/vnd.oasis.opendocument.text", "an OpenDocument text document")
ODS = Kind(".ods", "application/vnd.oasis.opendocument.spreadsheet", "an OpenDocument spreadsheet")
KINDS = {kind.extension: kind for kind in (PDF, DOCX, XLSX, ODT, ODS)}
BY_CONTENT_TYPE = {kind.content_type: kind for kind in KINDS.values()}
ACCEPT = ",".join(KINDS)  # for <input type="file" accept="...">

# Earlier suffixes that make a name a double extension: file kinds people know, or that run.
KNOWN_EXTENSIONS = frozenset("""
pdf doc docx docm dot dotx dotm xls xlsx xlsm xlsb xlt xltx xltm odt ods odp ott ots ppt pptx pptm rtf txt csv
exe com bat cmd msi scr pif cpl js jse vbs vbe wsf wsh ps1 psm1 sh jar apk app dll lnk hta html htm svg xml
zip rar 7z gz tar iso img png jpg jpeg gif bmp tif tiff heic mp4 mov
""".split())


@dataclass(frozen=True)
class Checked:
    """A file that passed: its true kind, a clean name to show and offer it under, and its text by place."""

    kind: Kind
    name: str
    text: list[tuple[str, str]] = field(default_factory=list, repr=False)

    @property
    def extension(self) -> str:
        return self.kind.extension

    @property
    def content_type(self) -> str:
        return self.kind.content_type


def check_name(name: str) -> tuple[str, str]:
    """(stem, extension) of a name a person may give a file; raises UploadRefused."""
    if any(unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp") for char in name):
        raise UploadRefused(HIDDEN_CHARACTERS)  # control, bidirectional override, zero-width, private use
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    stem, dot, extension = name.rpartition(".")
    if not dot:
        raise UploadRefused(WRONG_TYPE)
    if not stem.strip(" ."):
        raise UploadRefused(DOTFILE_NAME)
    inner = stem.rpartition(".")[2].strip().lower() if "." in stem else ""
    if inner in KNOWN_EXTENSIONS:
        raise UploadRefused(DOUBLE_EXTENSION)
    extension = "." + extension.strip().lower()
    if extension not in KINDS:
        raise UploadRefused(WRONG_TYPE)
    return stem.strip()[:200], extension


def _kind_of(data: bytes, claimed: str) -> tuple[Kind, list[tuple[str, str]]]:
    from . import office, pdf  # the readers, loaded on first use

    if data.startswith(b"%PDF-"):
        if zipfile.is_zipfile(io.BytesIO(data)):
            raise UploadRefused(POLYGLOT)
        return PDF, pdf.check_pdf(data)
    if data.startswith(b"PK\x03\x04"):
        if b"%PDF-" in data[:1024]:  # a PDF reader looks for its header in the first 1024 bytes
            raise UploadRefused(POLYGLOT)
        extension, text = office.check_office(data, claimed)
        return KINDS[extension], text
    raise UploadRefused(WRONG_TYPE)


def check_bytes(name: str, data: bytes, *, screen_text: bool = True) -> Checked:
    """Check a file's name and bytes; raises UploadRefused with the GOV.UK message for the first fault."""
    if not data:
        raise UploadRefused(EMPTY)
    if len(data) > MAX_BYTES:
        raise UploadRefused(TOO_BIG)
    stem, extension = check_name(name)
    if screen_text:  # a name is shown, offered as the download's name and kept in the history: screened first
        findings = privacy.screen(stem)
        if findings:
            raise UploadRefused(privacy.refusal(
                "The selected file's name", findings,
                advice="Rename the file and upload it again: this service must not hold information that could "
                       "identify a child"))
    kind, text = _kind_of(data, extension)
    if kind.extension != extension:
        raise UploadRefused(MISMATCH.format(label=kind.label, given=extension, true=kind.extension))
    if screen_text:
        screen_document(text)
    return Checked(kind=kind, name=stem + kind.extension, text=text)


def screen_document(text: list[tuple[str, str]]) -> None:
    """Refuse a document whose text holds something that identifies a child, saying where."""
    for where, chunk in text:
        findings = privacy.screen(chunk)
        if findings:
            raise UploadRefused(privacy.refusal(
                "The selected file", findings, where=where,
                advice="Remove it and upload the file again: this service must not hold information that could "
                       "identify a child"))


def check_upload(upload) -> Checked:
    """Check an uploaded file (Django's UploadedFile); raises UploadRefused. Leaves it at its start."""
    size = getattr(upload, "size", None)
    if not size:
        raise UploadRefused(EMPTY)
    if size > MAX_BYTES:
        raise UploadRefused(TOO_BIG)
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    upload.seek(0)
    return check_bytes(upload.name or "", data)


def download_name(name: str, content_type: str) -> str:
    """The name to offer a stored file under: its stem, cleaned, with the extension of its true kind."""
    kind = BY_CONTENT_TYPE.get(content_type)
    stem = name.rpartition(".")[0] if "." in name else name
    stem = "".join(c for c in stem if unicodedata.category(c)[0] != "C")
    stem = re.sub(r'[<>:"/\\|?*]+', "_", stem).strip(" ._") or "document"  # characters no file system takes
    return stem + (kind.extension if kind else ".bin")


__all__ = ["ACCEPT", "KINDS", "MAX_BYTES", "Checked", "Kind", "UploadRefused", "check_bytes", "check_name",
           "check_upload", "download_name", "screen_document"]
