"""More files than one message takes come back with the form, what was typed and the limit,
on the filing page, on the request page and in the API; never Django's bare 400."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import LAPTOP_ANSWERS
from staffdesk.requests.models import Attachment, Request, RequestEvent
from staffdesk.requests.services import attachment_add, request_submit

MANY = 200


def _files(count: int) -> list[SimpleUploadedFile]:
    return [
        SimpleUploadedFile(f"photo-{n:03d}.txt", f"file {n}\n".encode(), "text/plain")
        for n in range(count)
    ]


@pytest.fixture
def filed(org) -> Request:
    return request_submit(requester=org.requester, service=org.laptop, answers=LAPTOP_ANSWERS)


def test_the_filing_form_states_the_file_count_limit(org, client, settings):
    settings.STAFFDESK_MAX_ATTACHMENTS_PER_MESSAGE = 12
    client.force_login(org.requester)
    page = client.get(f"/requests/new/{org.laptop.code}").content.decode()
    assert "at most 12 files, up to 10.0\xa0MB per file" in page


def test_200_files_on_the_filing_form_come_back_with_the_answers_and_the_limit(org, client):
    client.force_login(org.requester)
    response = client.post(
        f"/requests/new/{org.laptop.code}",
        {
            "answers.model": "power",
            "answers.quantity": "2",
            "subject": "Laptops for the survey crew",
            "description": "Photos of the old ones attached.",
            "attachments": _files(MANY),
        },
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "200 files: at most 20 go with one request" in page
    assert 'value="Laptops for the survey crew"' in page
    assert "Photos of the old ones attached." in page
    assert '<option value="power" selected>' in page
    assert 'value="2"' in page
    assert not Request.objects.exists() and not Attachment.objects.exists()


def test_the_limit_files_are_filed(org, client, settings):
    settings.STAFFDESK_MAX_ATTACHMENTS_PER_MESSAGE = 5
    client.force_login(org.requester)
    response = client.post(
        f"/requests/new/{org.laptop.code}",
        {"answers.model": "power", "answers.quantity": "2", "attachments": _files(5)},
    )
    assert response.status_code == 302
    assert Attachment.objects.count() == 5


@pytest.mark.parametrize(("url", "form"), [("reply", "reply"), ("note", "note")])
def test_200_files_on_a_reply_come_back_with_the_text_and_the_limit(org, client, filed, url, form):
    client.force_login(org.it_point if form == "note" else org.requester)
    response = client.post(
        f"/requests/{filed.number}/{url}",
        {"body": "Here are the photos you asked for.", "files": _files(MANY)},
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "200 files: at most 20 at a time" in page
    assert "Here are the photos you asked for.</textarea>" in page
    assert "Up to 20 files, 10.0\xa0MB each." in page
    assert not Attachment.objects.exists()
    assert not RequestEvent.objects.filter(kind__in=["reply", "note"]).exists()


def test_200_files_in_the_upload_form_are_refused_naming_the_limit(org, client, filed):
    client.force_login(org.requester)
    response = client.post(f"/requests/{filed.number}/attachments", {"files": _files(MANY)})
    assert response.status_code == 422
    assert "200 files: at most 20 at a time" in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_api_upload_refuses_200_files_naming_the_limit(org, api, filed):
    response = api(org.requester).post(
        f"/requests/{filed.number}/attachments",
        files=[("file", (f"f{n}.txt", b"x", "text/plain")) for n in range(MANY)],
    )
    assert response.status_code == 422
    body = response.json()
    assert "200 files were sent" in body["message"]
    assert "up to 20 of your uploads" in body["message"]
    assert body["errors"] == {"file": ["200 files: one per call"]}
    assert not Attachment.objects.exists()


def test_the_api_refuses_a_reply_naming_more_uploads_than_the_limit(org, api, filed, settings):
    settings.STAFFDESK_MAX_ATTACHMENTS_PER_MESSAGE = 3
    uploads = [
        attachment_add(request=filed, uploader=org.requester, upload=upload, filename=upload.name)
        for upload in _files(4)
    ]
    response = api(org.requester).post(
        f"/requests/{filed.number}/replies",
        json={"body": "All four photos.", "attachment_ids": [item.pk for item in uploads]},
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"attachment_ids": ["4 files: at most 3 at a time"]}


def test_the_api_answers_more_files_than_the_server_reads_with_json_naming_the_limit(
    org, api, filed
):
    response = api(org.requester).post(
        f"/requests/{filed.number}/attachments",
        files=[("file", (f"f{n}.txt", b"x", "text/plain")) for n in range(1001)],
    )
    assert response.status_code == 413
    assert response.json() == {
        "message": "Too many files: the server reads at most 1,000 in one body, "
        "and a message takes 20.",
        "errors": {},
    }
