"""A PDF is read with pypdf in strict mode, every object of it, and refused when it could run or hide things.

Names are compared decoded (pypdf turns /J#61vaScript into /JavaScript), objects inside object streams
are read too, and the raw bytes are searched as a second line of defence. A file that does not end in
%%EOF or does not parse to its end is damaged.
"""

from __future__ import annotations

import io
import logging
import re

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, TextStringObject

from .messages import (
    DAMAGED,
    ENCRYPTED,
    PDF_ACTION,
    PDF_EMBEDDED,
    PDF_SCRIPT,
    TOO_LONG,
    TRAILING_DATA,
    UploadRefused,
)

MAX_PAGES = 300
MAX_OBJECTS = 100_000
MAX_TEXT_CHARS = 1_000_000

# What each name, as a key or as a value, means.
SCRIPT = {"/JS", "/JavaScript", "/XFA"}
ACTION = {"/AA", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute", "/GoToE", "/Rendition"}
EMBEDDED = {"/EmbeddedFiles", "/EmbeddedFile", "/EF", "/FileAttachment", "/RichMedia"}
ENCRYPTION = {"/Encrypt"}
_NAME = re.compile(rb"/((?:[A-Za-z0-9_.\-]|#[0-9A-Fa-f]{2})+)")

logging.getLogger("pypdf").setLevel(logging.ERROR)  # a refused file says why; its warnings are noise


def _refusal_for(name: str) -> str | None:
    if name in SCRIPT:
        return PDF_SCRIPT
    if name in ACTION:
        return PDF_ACTION
    if name in EMBEDDED:
        return PDF_EMBEDDED
    if name in ENCRYPTION:
        return ENCRYPTED
    return None


def _raw_names(data: bytes) -> set[str]:
    """Every name written in the file's uncompressed bytes, with #xx escapes decoded."""
    names = set()
    for match in _NAME.finditer(data):
        raw = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), match.group(1))
        names.add("/" + raw.decode("latin-1"))
    return names


def _check_object(obj) -> None:
    """Look through one object and the direct objects inside it (indirect ones are checked on their own)."""
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            continue
        if isinstance(item, DictionaryObject):
            for key, value in item.items():
                refusal = _refusal_for(str(key))
                if refusal:
                    raise UploadRefused(refusal)
                if key == "/OpenAction":
                    _check_open_action(value.get_object() if isinstance(value, IndirectObject) else value)
                if key == "/S" and isinstance(value, NameObject) and str(value) != "/GoTo":
                    if _refusal_for(str(value)):
                        raise UploadRefused(_refusal_for(str(value)))
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)


def _check_open_action(value) -> None:
    """An OpenAction that is a destination (an array: open at this page) is fine; an action is not,
    unless it only goes to a page in the same file."""
    if isinstance(value, DictionaryObject):
        _check_object(value)  # a script says so
        if value.get("/S") != "/GoTo":
            raise UploadRefused(PDF_ACTION)


def _all_objects(reader: PdfReader):
    """Every object the cross-reference tables name, including those inside object streams."""
    numbers = [(num, gen) for gen, table in reader.xref.items() for num in table]
    numbers += [(num, 0) for num in reader.xref_objStm]
    if len(numbers) > MAX_OBJECTS:
        raise UploadRefused(TOO_LONG)
    for num, gen in numbers:
        obj = reader.get_object(IndirectObject(num, gen, reader))
        if obj is None:
            raise UploadRefused(DAMAGED)
        yield obj


# Keys whose strings are the file's own dates or identifiers, not words a person wrote.
NOT_WORDS = frozenset({"/CreationDate", "/ModDate", "/M", "/ID", "/O", "/U", "/OE", "/UE", "/Perms", "/Filter",
                       "/Subtype", "/Type"})


def _hidden_strings(objects: list) -> list[str]:
    """Every text string in the file's objects besides the pages' text: the document information (title,
    author, subject, keywords), annotations (sticky notes, their authors), bookmarks and form values."""
    strings, total = [], 0
    for obj in objects:
        if not isinstance(obj, DictionaryObject):
            continue
        for key, value in obj.items():
            if key in NOT_WORDS:
                continue
            value = value.get_object() if isinstance(value, IndirectObject) else value
            if isinstance(value, TextStringObject) and (text := str(value).strip()):
                strings.append(text)
                total += len(text)
                if total > MAX_TEXT_CHARS:
                    raise UploadRefused(TOO_LONG)
    return strings


def check_pdf(data: bytes) -> list[tuple[str, str]]:
    """Refuse a PDF that is damaged, encrypted, scripted, acts on opening or carries files; return its
    text by page."""
    if b"%%EOF" not in data[-1024:]:
        raise UploadRefused(DAMAGED)
    if not data.rstrip(b" \t\r\n\x00\x0c").endswith(b"%%EOF"):  # something hidden after the end
        raise UploadRefused(TRAILING_DATA)
    for name in sorted(_raw_names(data)):
        refusal = _refusal_for(name)
        if refusal:
            raise UploadRefused(refusal)
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            raise UploadRefused(ENCRYPTED)
        _check_object(reader.trailer)
        objects = list(_all_objects(reader))  # read once: checked here, their strings screened below
        for obj in objects:
            _check_object(obj)
        if len(reader.pages) > MAX_PAGES:
            raise UploadRefused(TOO_LONG)
        text, total = [], 0
        hidden = _hidden_strings(objects)
        if hidden:
            text.append(("the file's properties, comments or bookmarks", "\n".join(hidden)))
        for number, page in enumerate(reader.pages, start=1):
            page_text = page.extract_text() or ""
            total += len(page_text)
            if total > MAX_TEXT_CHARS:
                raise UploadRefused(TOO_LONG)
            text.append((f"page {number}", page_text))
    except UploadRefused:
        raise
    except Exception as exc:  # whatever a file makes the parser trip on, it does not parse to its end
        raise UploadRefused(DAMAGED) from exc
    return text
