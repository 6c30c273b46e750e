"""Uploads go through the one checker (core.filecheck): a refused file gives its own GOV.UK error on the
page, the rest of the answers are kept and nothing is stored; an accepted one is stored under a generated
name with its true extension and served only to people who may see the application."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sendfund.accounts.roles import Role
from sendfund.core.filecheck import messages
from sendfund.core.tests import files

from ..models import Document
from .conftest import section_url

pytestmark = pytest.mark.django_db

PDF = files.pdf()


def _post_plans(client, application, upload, version="0"):
    return client.post(section_url(application, "plans"), {
        "version": version, "development_plan_priorities": "Early help", "action_plan_priorities": "Screening",
        "development_plan_file": upload})


def _stored_files() -> set[Path]:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


@pytest.mark.parametrize("name, content, message", [
    ("plan.pdf", files.PNG, messages.WRONG_TYPE),
    ("setup.pdf", files.EXE, messages.WRONG_TYPE),
    ("plan.pdf", b"", messages.EMPTY),
    ("plan.pdf", PDF + b"\x00" * (10 * 1024 * 1024), messages.TOO_BIG),
    ("plan.docx", files.docx(main_type=files.WORD_MACRO_MAIN), messages.MACROS.format(extension=".docx")),
    ("plan.pdf", files.pdf(catalog="/OpenAction << /S /J#61vaScript /JS (app.alert(1)) >>"), messages.PDF_SCRIPT),
    ("plan.docx", files.xlsx(), messages.MISMATCH.format(label="an Excel spreadsheet", given=".docx", true=".xlsx")),
    ("plan.pdf.exe", PDF, messages.DOUBLE_EXTENSION),
    ("plan.pdf", files.pdf("Pupil A123456789012 joined"), "The selected file contains something that looks like a unique pupil number (UPN) (A**********12, page 1)"),
])
def test_the_page_refuses_with_its_own_message_keeps_the_answers_and_stores_nothing(host_client, draft, name,
                                                                                     content, message):
    before = _stored_files()
    response = _post_plans(host_client, draft, SimpleUploadedFile(name, content, content_type="application/pdf"))
    page = response.content.decode()
    assert response.status_code == 200 and "<title>Error: " in page
    assert '<a href="#id_development_plan_file">' + message.replace("'", "&#x27;") in page
    assert "Early help" in page and "Screening" in page
    assert "A123456789012" not in page
    assert not Document.objects.filter(application=draft).exists()
    assert _stored_files() == before


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
    assert 'attachment; filename="Our plan (final).pdf"' in download["Content-Disposition"]
    assert client_for("other_cluster_host").get(url).status_code == 404
    # LA staff cannot read a draft's documents
    manage = reverse("applications:manage-document", kwargs={"pk": draft.pk, "doc": document.pk})
    assert client_for(Role.LA_OFFICER).get(manage).status_code == 404


@pytest.mark.parametrize("name, content, extension", [
    ("plan.docx", files.docx(), ".docx"), ("plan.xlsx", files.xlsx(), ".xlsx"),
    ("plan.odt", files.odt(), ".odt"), ("plan.ods", files.ods(), ".ods"),
])
def test_each_allowed_kind_is_stored_with_its_true_extension(host_client, draft, name, content, extension):
    assert _post_plans(host_client, draft, SimpleUploadedFile(name, content)).status_code == 302
    document = Document.objects.get(application=draft)
    assert Path(document.file.name).suffix == extension and document.download_name == name


def test_the_download_name_always_has_the_true_extension(host_client, draft):
    _post_plans(host_client, draft, SimpleUploadedFile("plan.pdf", PDF))
    document = Document.objects.get(application=draft)
    Document.objects.filter(pk=document.pk).update(original_name="plan.html")  # a name kept from before the checker
    download = host_client.get(reverse("applications:document", kwargs={"pk": draft.pk, "doc": document.pk}))
    assert 'filename="plan.pdf"' in download["Content-Disposition"]


def test_a_new_upload_replaces_the_old_one(host_client, draft):
    _post_plans(host_client, draft, SimpleUploadedFile("one.pdf", PDF))
    first = Document.objects.get(application=draft)
    _post_plans(host_client, draft, SimpleUploadedFile("two.docx", files.docx()), version="1")
    assert list(Document.objects.filter(application=draft).values_list("original_name", flat=True)) == ["two.docx"]
    assert first.file.name != Document.objects.get(application=draft).file.name
