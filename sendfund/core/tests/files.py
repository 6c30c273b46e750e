"""Small files the tests build themselves: valid ones of each allowed kind, and hostile ones of each kind
a council must refuse. Nothing is downloaded or kept on disk."""

from __future__ import annotations

import io
import zipfile
import zlib

import openpyxl
from pypdf import PdfWriter

# --- PDF -------------------------------------------------------------------------------------------------


def _pdf_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def pdf(text: str = "Cluster development plan", *, catalog: str = "", page: str = "", extra: tuple[str, ...] = (),
        trailer: str = "") -> bytes:
    """A one-page PDF written by hand (classic cross-reference table), with `text` on the page.
    `catalog` and `page` add entries to those dictionaries; `extra` adds objects 6, 7..."""
    lines = text.split("\n")
    content = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(f"({_pdf_string(line)}) '" for line in lines) + " ET"
    objects = [
        f"<< /Type /Catalog /Pages 2 0 R {catalog} >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        f"/Resources << /Font << /F1 5 0 R >> >> {page} >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *extra,
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R {trailer} >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def pdf_with_object_stream(catalog: str, extra: str) -> bytes:
    """A PDF 1.5 whose catalog and object 6 sit compressed in an object stream (object 7), found through a
    cross-reference stream (object 8): nothing of them is visible in the raw bytes."""
    content = "BT /F1 12 Tf 72 720 Td (Plan) Tj ET"
    plain = {
        2: "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
           "/Resources << /Font << /F1 5 0 R >> >> >>",
        4: f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        5: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    packed = [f"<< /Type /Catalog /Pages 2 0 R {catalog} >>", extra]
    body, header = "", []
    for number, obj in zip((1, 6), packed, strict=True):
        header.append(f"{number} {len(body)}")
        body += obj + "\n"
    head = " ".join(header) + "\n"
    stream = zlib.compress((head + body).encode("latin-1"))
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, obj in plain.items():
        offsets[number] = len(out)
        out += f"{number} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    offsets[7] = len(out)
    out += (f"7 0 obj\n<< /Type /ObjStm /N 2 /First {len(head)} /Filter /FlateDecode /Length {len(stream)} >>\n"
            "stream\n").encode() + stream + b"\nendstream\nendobj\n"
    offsets[8] = len(out)
    rows = [bytes([0]) + (0).to_bytes(4, "big") + (65535).to_bytes(2, "big")]
    for number in range(1, 9):
        if number in (1, 6):
            rows.append(bytes([2]) + (7).to_bytes(4, "big") + (0 if number == 1 else 1).to_bytes(2, "big"))
        else:
            rows.append(bytes([1]) + offsets[number].to_bytes(4, "big") + (0).to_bytes(2, "big"))
    table = b"".join(rows)
    out += (f"8 0 obj\n<< /Type /XRef /Size 9 /W [1 4 2] /Root 1 0 R /Length {len(table)} >>\nstream\n").encode()
    out += table + b"\nendstream\nendobj\n"
    out += f"startxref\n{offsets[8]}\n%%EOF\n".encode()
    return bytes(out)


def pdf_written_by_pypdf(change) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    change(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# --- ZIP-based -------------------------------------------------------------------------------------------

def zipped(entries: dict[str, bytes | str], *, stored_first: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(zipfile.ZipInfo(stored_first), entries[stored_first], compress_type=zipfile.ZIP_STORED)
        for name, content in entries.items():
            if name != stored_first:
                archive.writestr(name, content)
    return buffer.getvalue()


WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
WORD_MACRO_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
EXCEL_MACRO_MAIN = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _content_types(main_type: str, main: str = "/word/document.xml", extra: str = "") -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="{main}" ContentType="{main_type}"/>{extra}</Types>')


ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
             '<Relationship Id="rId1" Target="word/document.xml" Type="http://schemas.openxmlformats.org/'
             'officeDocument/2006/relationships/officeDocument"/></Relationships>')


def _w_paragraph(text: str) -> str:
    return f"<w:p><w:r><w:t xml:space=\"preserve\">{text}</w:t></w:r></w:p>"


def docx(paragraphs=("Our cluster plan",), table=(("Activity", "Cost"), ("SENCO time", "2500.00")), *,
         main_type: str = WORD_MAIN, prolog: str = "", extra: dict | None = None, types_extra: str = "") -> bytes:
    """A minimal Word document: paragraphs and one table."""
    rows = "".join("<w:tr>" + "".join(f"<w:tc>{_w_paragraph(c)}</w:tc>" for c in row) + "</w:tr>" for row in table)
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
                f'<w:document xmlns:w="{W_NS}"><w:body>'
                + "".join(_w_paragraph(p) for p in paragraphs) + f"<w:tbl>{rows}</w:tbl></w:body></w:document>")
    return zipped({"[Content_Types].xml": _content_types(main_type, extra=types_extra), "_rels/.rels": ROOT_RELS,
                   "word/document.xml": document, **(extra or {})})


def xlsx(rows=(("Activity", "Cost"), ("SENCO time", 2500)), *, macro: bool = False) -> bytes:
    """A real Excel workbook written by openpyxl (macro=True relabels it macro-enabled)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Costs"
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    if not macro:
        return buffer.getvalue()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source:
        entries = {name: source.read(name) for name in source.namelist()}
    entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", EXCEL_MACRO_MAIN.encode())
    return zipped(entries)


ODF_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:script="urn:oasis:names:tc:opendocument:xmlns:script:1.0" '
          'xmlns:xlink="http://www.w3.org/1999/xlink"')


def _manifest(mimetype: str, extra: str = "") -> str:
    return ('<?xml version="1.0" encoding="UTF-8"?>'
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
            'manifest:version="1.2">'
            f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            f"{extra}</manifest:manifest>")


def odf(mimetype: str, body: str, *, scripts: str = "", extra: dict | None = None, manifest_extra: str = "") -> bytes:
    kind = "spreadsheet" if mimetype.endswith("spreadsheet") else "text"
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ODF_NS} office:version="1.2">'
               f"{scripts}<office:body><office:{kind}>{body}</office:{kind}></office:body>"
               "</office:document-content>")
    return zipped({"mimetype": mimetype, "META-INF/manifest.xml": _manifest(mimetype, manifest_extra),
                   "content.xml": content, **(extra or {})}, stored_first="mimetype")


ODT_TYPE = "application/vnd.oasis.opendocument.text"
ODS_TYPE = "application/vnd.oasis.opendocument.spreadsheet"


def odt(paragraphs=("Our cluster plan",), **kwargs) -> bytes:
    body = "".join(f"<text:p>{p}</text:p>" for p in paragraphs)
    body += ("<table:table table:name=\"Costs\"><table:table-row><table:table-cell><text:p>SENCO time</text:p>"
             "</table:table-cell></table:table-row></table:table>")
    return odf(ODT_TYPE, body, **kwargs)


def ods(rows=(("Activity", "Cost"), ("SENCO time", "2500")), **kwargs) -> bytes:
    body = '<table:table table:name="Costs">' + "".join(
        "<table:table-row>" + "".join(f"<table:table-cell><text:p>{c}</text:p></table:table-cell>" for c in row)
        + "</table:table-row>" for row in rows) + "</table:table>"
    return odf(ODS_TYPE, body, **kwargs)


def zip_bomb(size: int = 64 * 1024 * 1024, name: str = "word/document.xml") -> bytes:
    """A Word-looking archive with one entry of `size` zero bytes, compressed about 1000 to 1: written in
    pieces so the test never holds it whole."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _content_types(WORD_MAIN))
        archive.writestr("_rels/.rels", ROOT_RELS)
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as entry:
            block = b"\0" * (1024 * 1024)
            for _ in range(size // len(block)):
                entry.write(block)
    return buffer.getvalue()


def lying_zip_bomb() -> bytes:
    """An archive whose directory says its entry is small while the compressed data expands much further."""
    honest = zipped({"[Content_Types].xml": _content_types(WORD_MAIN), "_rels/.rels": ROOT_RELS,
                     "word/document.xml": b"<" + b"a" * (5 * 1024 * 1024) + b"/>"})
    real = (5 * 1024 * 1024 + 3).to_bytes(4, "little")
    return honest.replace(real, (1000).to_bytes(4, "little"))


def encrypted_zip() -> bytes:
    data = bytearray(docx())
    position = data.find(b"PK\x01\x02")
    while position != -1:  # set the 'encrypted' flag in each central directory record
        data[position + 8] |= 0x1
        position = data.find(b"PK\x01\x02", position + 4)
    return bytes(data)


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
DOC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 100


def declares_huge(data: bytes, name: bytes = b"word/document.xml", size: int = 0x7FFF0000) -> bytes:
    """The same archive with its central directory claiming `name` expands to `size` bytes (2 GB)."""
    out = bytearray(data)
    position = out.find(b"PK\x01\x02")
    while position != -1:
        name_length = int.from_bytes(out[position + 28:position + 30], "little")
        if out[position + 46:position + 46 + name_length] == name:
            out[position + 24:position + 28] = size.to_bytes(4, "little")
        position = out.find(b"PK\x01\x02", position + 4)
    return bytes(out)


def pdf_zip_polyglot() -> bytes:
    """A ZIP whose first entry, stored as it is, is a PDF: a PDF reader and an unzipper both open it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("a.pdf", pdf())
        archive.writestr("[Content_Types].xml", _content_types(WORD_MAIN))
    return buffer.getvalue()


def pdf_rect():
    """A PDF rectangle, for annotations in test files."""
    from pypdf.generic import ArrayObject, FloatObject

    return ArrayObject([FloatObject(72), FloatObject(72), FloatObject(144), FloatObject(144)])
