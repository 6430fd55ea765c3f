"""Drive folders and files through DriveClient, and how Drive's refusals come out, against
the fake Google over real HTTP."""

from __future__ import annotations

import httpx
import pytest

from app.config import Settings
from app.integrations.google import (
    DriveClient,
    DriveFolderMissing,
    GoogleRequestError,
    GoogleTokenExpired,
    GoogleUnavailable,
    Tokens,
    refresh,
)
from app.integrations.google.drive import FOLDER_MIME_TYPE, quote_query_value
from tests.fakes.google import Endpoint, FakeFile, FakeGoogle, Fault, parse_query


async def test_created_folders_are_listed_by_name(
    drive_client: DriveClient, fake_google: FakeGoogle
) -> None:
    courses = await drive_client.create_folder("Courses")
    await drive_client.create_folder("Archive")
    python = await drive_client.create_folder("Python course", parent_id=courses.id)

    folders, next_page = await drive_client.list_folders()

    assert [folder.name for folder in folders] == ["Archive", "Courses", "Python course"]
    assert next_page is None
    assert python.parents == (courses.id,)
    assert fake_google.file(python.id).mime_type == FOLDER_MIME_TYPE
    assert python.web_view_link
    only, _ = await drive_client.list_folders(name_contains="cour")
    assert {folder.id for folder in only} == {courses.id, python.id}


async def test_listing_skips_trashed_folders_and_plain_files(
    drive_client: DriveClient, fake_google: FakeGoogle, drive_folder_id: str
) -> None:
    trashed = fake_google.add_folder("Old exports")
    fake_google.trash(trashed)
    await drive_client.upload(
        name="course.pdf", data=b"%PDF", media_type="application/pdf", folder_id=drive_folder_id
    )
    folders, _ = await drive_client.list_folders()
    assert [folder.id for folder in folders] == [drive_folder_id]


@pytest.mark.parametrize("name", ["O'Brien's course", "back\\slash", "it's \\' tricky"])
async def test_names_with_quotes_and_backslashes_are_escaped_in_the_query(
    drive_client: DriveClient, fake_google: FakeGoogle, name: str
) -> None:
    wanted = fake_google.add_folder(name)
    fake_google.add_folder("Something else")

    folders, _ = await drive_client.list_folders(name_contains=name)

    assert [folder.id for folder in folders] == [wanted]
    sent = fake_google.requests_to(Endpoint.FILES)[-1].params["q"]
    assert sent.endswith(f"name contains {quote_query_value(name)}")


def test_the_fake_refuses_an_unescaped_quote() -> None:
    """Guards the test above: a fake that read sloppy queries could not catch bad escaping."""
    with pytest.raises(ValueError, match="cannot read the query"):
        parse_query("name contains 'O'Brien'")
    escaped = parse_query("name contains 'O\\'Brien'")
    assert escaped(FakeFile("1", "Notes by O'Brien", "text/plain", []))
    assert not escaped(FakeFile("2", "Notes by OBrien", "text/plain", []))


async def test_folder_listing_pages(drive_client: DriveClient, fake_google: FakeGoogle) -> None:
    for number in range(105):
        fake_google.add_folder(f"Folder {number:03}")

    first, token = await drive_client.list_folders()
    assert len(first) == 100
    assert token is not None
    rest, last_token = await drive_client.list_folders(page_token=token)

    assert [folder.name for folder in rest] == [f"Folder {n}" for n in range(100, 105)]
    assert last_token is None


async def test_get_file_is_none_once_trashed_or_deleted(
    drive_client: DriveClient, fake_google: FakeGoogle, drive_folder_id: str
) -> None:
    folder = await drive_client.get_file(drive_folder_id)
    assert folder is not None
    assert (folder.name, folder.mime_type, folder.trashed) == (
        "Courzly exports",
        FOLDER_MIME_TYPE,
        False,
    )
    assert folder.modified_time is not None
    assert folder.modified_time.tzinfo is not None

    fake_google.trash(drive_folder_id)
    assert await drive_client.get_file(drive_folder_id) is None
    fake_google.delete(drive_folder_id)
    assert await drive_client.get_file(drive_folder_id) is None
    assert await drive_client.get_file("never-existed") is None


async def test_a_folder_under_a_missing_parent_says_which(drive_client: DriveClient) -> None:
    with pytest.raises(DriveFolderMissing) as missing:
        await drive_client.create_folder("Inside", parent_id="gone-folder")
    assert missing.value.folder_id == "gone-folder"
    assert "Choose another folder" in missing.value.detail


async def test_an_expired_token_raises_and_a_refreshed_one_works(
    google_settings: Settings,
    google_http: httpx.AsyncClient,
    google_tokens: Tokens,
    drive_client: DriveClient,
    fake_google: FakeGoogle,
    drive_folder_id: str,
) -> None:
    fake_google.expire_access_tokens()
    with pytest.raises(GoogleTokenExpired):
        await drive_client.list_folders()
    with pytest.raises(GoogleTokenExpired):
        await drive_client.get_file(drive_folder_id)
    with pytest.raises(GoogleTokenExpired):
        await drive_client.upload(
            name="a.txt", data=b"a", media_type="text/plain", folder_id=drive_folder_id
        )

    renewed = await refresh(google_settings, google_http, google_tokens.refresh_token)
    retried = DriveClient(google_http, google_settings, renewed.access_token)
    folders, _ = await retried.list_folders()
    assert [folder.id for folder in folders] == [drive_folder_id]


async def test_a_bad_token_is_expired_too(
    google_settings: Settings, google_http: httpx.AsyncClient, google_tokens: Tokens
) -> None:
    forged = DriveClient(google_http, google_settings, "ya29.not-a-token")
    with pytest.raises(GoogleTokenExpired):
        await forged.create_folder("x")
    assert "ya29" not in repr(forged)


@pytest.mark.parametrize(
    ("fault", "retry_after"),
    [(Fault.RATE_LIMIT, 7), (Fault.SERVER_ERROR, None), (Fault.USER_RATE_LIMIT, None)],
)
async def test_busy_or_failing_drive_is_temporary(
    drive_client: DriveClient,
    fake_google: FakeGoogle,
    drive_folder_id: str,
    fault: Fault,
    retry_after: int | None,
) -> None:
    fake_google.fail_next(fault, times=2)
    with pytest.raises(GoogleUnavailable) as busy:
        await drive_client.list_folders()
    assert busy.value.retry_after == retry_after
    with pytest.raises(GoogleUnavailable):
        await drive_client.upload(
            name="a.txt", data=b"a", media_type="text/plain", folder_id=drive_folder_id
        )
    folders, _ = await drive_client.list_folders()  # the faults are spent
    assert [folder.id for folder in folders] == [drive_folder_id]
    assert fake_google.files == [fake_google.file(drive_folder_id)]  # nothing was uploaded


async def test_a_full_drive_says_so(
    drive_client: DriveClient, fake_google: FakeGoogle, drive_folder_id: str
) -> None:
    fake_google.fail_next(Fault.QUOTA, on=[Endpoint.UPLOAD])
    with pytest.raises(GoogleRequestError) as full:
        await drive_client.upload(
            name="a.txt", data=b"a", media_type="text/plain", folder_id=drive_folder_id
        )
    assert full.value.reason == "storageQuotaExceeded"
    assert full.value.status == 403
    assert "Google Drive is full" in full.value.detail
    assert not isinstance(full.value, GoogleUnavailable)
