"""Check an uploaded document by its content, not its name (a renamed .exe or .png is refused).

Allowed: PDF; Word (.docx, and .doc when its OLE container holds a WordDocument stream); Excel
(.xlsx); OpenDocument text and spreadsheet (.odt, .ods). At most 10 MB and not empty.
"""

import zipfile
from dataclasses import dataclass

MAX_BYTES = 10 * 1024 * 1024

WRONG_TYPE = "The selected file must be a PDF, Word, Excel or OpenDocument file"
TOO_BIG = "The selected file must be smaller than 10MB"
EMPTY = "The selected file is empty"

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODF_TYPES = {
    b"application/vnd.oasis.opendocument.text": (".odt", "application/vnd.oasis.opendocument.text"),
    b"application/vnd.oasis.opendocument.spreadsheet": (".ods", "application/vnd.oasis.opendocument.spreadsheet"),
}
DOCX = (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


class UploadRefused(ValueError):
    pass


@dataclass(frozen=True)
class Sniffed:
    extension: str
    content_type: str


def _sniff_zip(upload) -> tuple[str, str] | None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                return ODF_TYPES.get(archive.read("mimetype").strip())
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    return None


def _sniff_ole(upload) -> tuple[str, str] | None:
    upload.seek(0)
    head = upload.read(1024 * 1024)  # the directory of a Word 97-2003 file sits early in the container
    if "WordDocument".encode("utf-16-le") in head:
        return ".doc", "application/msword"
    return None


def upload_check(upload) -> Sniffed:
    """The file's real type. Raises UploadRefused with a GOV.UK error message."""
    size = getattr(upload, "size", None)
    if not size:
        raise UploadRefused(EMPTY)
    if size > MAX_BYTES:
        raise UploadRefused(TOO_BIG)
    upload.seek(0)
    head = upload.read(8)
    found = None
    if head.startswith(b"%PDF-"):
        found = (".pdf", "application/pdf")
    elif head.startswith(b"PK\x03\x04"):
        found = _sniff_zip(upload)
    elif head.startswith(OLE_MAGIC):
        found = _sniff_ole(upload)
    upload.seek(0)
    if found is None:
        raise UploadRefused(WRONG_TYPE)
    return Sniffed(*found)
