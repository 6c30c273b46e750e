"""Data files a council imports are judged before any importer reads them (core.forms.CsvFileField)."""

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile

from sendfund.core.forms import CsvFileField


def _clean(name: str, data: bytes):
    return CsvFileField().clean(SimpleUploadedFile(name, data, content_type="text/csv"))


def test_an_ordinary_csv_is_accepted_whole():
    data = "urn,cluster,academic_year\n121001,Alpha cluster,2026\n".encode("utf-8-sig")
    upload = _clean("clusters.csv", data)
    assert upload.read() == data


@pytest.mark.parametrize(("name", "data", "message"), [
    ("clusters.txt", b"urn,cluster\n", "must be a CSV file"),
    ("clusters.csv", b"%PDF-1.7\n1 0 obj<<>>endobj\n", "is not a CSV file"),
    ("clusters.csv", b"PK\x03\x04rest-of-a-zip", "is not a CSV file"),
    ("clusters.csv", b"urn,cluster\n1210\x0001,Alpha\n", "is not a CSV file"),
    ("clusters.csv", b"urn,cluster,note\n121001,Alpha,Pupil A123456789012 moved\n", "pupil data"),
])
def test_a_file_that_is_not_a_clean_csv_is_refused_with_its_reason(name, data, message):
    with pytest.raises(forms.ValidationError, match=message):
        _clean(name, data)
