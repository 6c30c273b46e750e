"""Uploads are checked by content, size and emptiness; stored under MEDIA_ROOT with a generated name;
served only to people who may see the application."""

import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sendfund.accounts.roles import Role

from ..models import Document
from ..uploads import EMPTY, MAX_BYTES, TOO_BIG, WRONG_TYPE, UploadRefused, upload_check
from .conftest import section_url

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _zip(entries: dict[str, bytes], *, mimetype_first=False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
XLSX = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"})
ODT = _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office/>"})
ODS = _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<office/>"})
DOC = OLE + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 100
XLS = OLE + b"\x00" * 504 + "Workbook".encode("utf-16-le") + b"\x00" * 100
JAR = _zip({"META-INF/MANIFEST.MF": b"Manifest-Version: 1.0"})


@pytest.mark.parametrize("name, content, extension", [
    ("plan.pdf", PDF, ".pdf"), ("plan.docx", DOCX, ".docx"), ("plan.xlsx", XLSX, ".xlsx"),
    ("plan.odt", ODT, ".odt"), ("plan.ods", ODS, ".ods"), ("plan.doc", DOC, ".doc"),
])
def test_allowed_types_are_recognised_by_content(name, content, extension):
    assert upload_check(SimpleUploadedFile(name, content)).extension == extension


@pytest.mark.parametrize("name, content, message", [
    ("plan.pdf", PNG, WRONG_TYPE), ("plan.pdf", EXE, WRONG_TYPE), ("plan.docx", JAR, WRONG_TYPE),
    ("plan.doc", XLS, WRONG_TYPE), ("plan.pdf", b"", EMPTY), ("notes.txt", b"just text", WRONG_TYPE),
    ("plan.pdf", PDF + b"\x00" * MAX_BYTES, TOO_BIG),
])
def test_refused_uploads(name, content, message):
    with pytest.raises(UploadRefused, match=message):
        upload_check(SimpleUploadedFile(name, content))


def _post_plans(client, application, upload, version="0"):
    return client.post(section_url(application, "plans"), {
        "version": version, "development_plan_priorities": "Early help", "action_plan_priorities": "Screening",
        "development_plan_file": upload})


@pytest.mark.parametrize("upload, message", [
    (SimpleUploadedFile("plan.pdf", PNG, content_type="application/pdf"), WRONG_TYPE),
    (SimpleUploadedFile("setup.pdf", EXE, content_type="application/pdf"), WRONG_TYPE),
    (SimpleUploadedFile("plan.pdf", b"", content_type="application/pdf"), EMPTY),
    (SimpleUploadedFile("plan.pdf", PDF + b"\x00" * MAX_BYTES, content_type="application/pdf"), TOO_BIG),
])
def test_the_page_refuses_with_a_gov_uk_message_and_keeps_the_answers(host_client, draft, upload, message):
    response = _post_plans(host_client, draft, upload)
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in page
    assert f'<a href="#id_development_plan_file">{message}</a>' in page
    assert "Early help" in page
    assert not Document.objects.filter(application=draft).exists()


def test_an_accepted_upload_is_stored_outside_static_with_a_generated_name(host_client, draft, client_for):
    response = _post_plans(host_client, draft, SimpleUploadedFile("Our plan (final).pdf", PDF))
    assert response.status_code == 302
    document = Document.objects.get(application=draft)
    path = Path(document.file.path)
    assert str(path).startswith(str(Path(settings.MEDIA_ROOT)))
    assert not str(path).startswith(str(Path(settings.STATIC_ROOT)))
    assert "Our plan" not in path.name and path.suffix == ".pdf"
    assert document.original_name == "Our plan (final).pdf" and document.content_type == "application/pdf"
    url = reverse("applications:document", kwargs={"pk": draft.pk, "doc": document.pk})
    download = host_client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]
    assert client_for("other_cluster_host").get(url).status_code == 404
    # LA staff cannot read a draft's documents
    manage = reverse("applications:manage-document", kwargs={"pk": draft.pk, "doc": document.pk})
    assert client_for(Role.LA_OFFICER).get(manage).status_code == 404


def test_a_new_upload_replaces_the_old_one(host_client, draft):
    _post_plans(host_client, draft, SimpleUploadedFile("one.pdf", PDF))
    first = Document.objects.get(application=draft)
    _post_plans(host_client, draft, SimpleUploadedFile("two.docx", DOCX), version="1")
    assert list(Document.objects.filter(application=draft).values_list("original_name", flat=True)) == ["two.docx"]
    assert first.file.name != Document.objects.get(application=draft).file.name
