"""Exports landing in Drive: multipart for small files, resumable above 5 MB, and one
file per export updated in place (a new revision) while it still exists."""

from __future__ import annotations

import os

import httpx
import pytest

from app.config import Settings
from app.integrations.google import DriveClient, DriveFolderMissing, GoogleUnavailable, resumable
from app.integrations.google.drive import MULTIPART_LIMIT
from tests.fakes.google import CHUNK_UNIT, Endpoint, FakeGoogle, Fault
from tests.fakes.google_fixtures import TEST_CHUNK_SIZE

BIG = os.urandom(MULTIPART_LIMIT + 700_000)  # about 5.7 MB: six 1 MiB chunks
PDF = "application/pdf"


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resumable, "BACKOFF_SECONDS", 0.0)


def upload_types(fake: FakeGoogle) -> list[tuple[str, str | None]]:
    return [(r.method, r.params.get("uploadType")) for r in fake.requests_to(Endpoint.UPLOAD)]


async def test_a_small_export_is_created_then_updated_in_place(
    drive_client: DriveClient, fake_google: FakeGoogle, drive_folder_id: str
) -> None:
    first = await drive_client.upload(
        name="Python 101.pdf", data=b"%PDF first", media_type=PDF, folder_id=drive_folder_id
    )
    second = await drive_client.upload(
        name="Python 101 (v2).pdf",
        data=b"%PDF second, longer",
        media_type=PDF,
        folder_id=drive_folder_id,
        file_id=first.id,
    )

    assert second.id == first.id
    stored = fake_google.file(first.id)
    assert stored.content == b"%PDF second, longer"
    assert stored.revisions == 2
    assert stored.parents == [drive_folder_id]
    assert (stored.name, stored.mime_type) == ("Python 101 (v2).pdf", PDF)
    assert (second.name, second.size, second.parents) == (
        "Python 101 (v2).pdf",
        19,
        (drive_folder_id,),
    )
    assert second.web_view_link
    assert len(fake_google.files) == 2  # the folder and the one export
    assert upload_types(fake_google) == [("POST", "multipart"), ("PATCH", "multipart")]


async def test_an_export_deleted_in_drive_is_created_again(
    drive_client: DriveClient, fake_google: FakeGoogle, drive_folder_id: str
) -> None:
    first = await drive_client.upload(
        name="a.pdf", data=b"one", media_type=PDF, folder_id=drive_folder_id
    )
    fake_google.delete(first.id)

    again = await drive_client.upload(
        name="a.pdf", data=b"two", media_type=PDF, folder_id=drive_folder_id, file_id=first.id
    )

    assert again.id != first.id
    stored = fake_google.file(again.id)
    assert (stored.content, stored.revisions, stored.parents) == (b"two", 1, [drive_folder_id])


async def test_an_export_in_the_trash_is_left_there_and_a_new_one_created(
    drive_client: DriveClient, fake_google: FakeGoogle, drive_folder_id: str
) -> None:
    first = await drive_client.upload(
        name="a.pdf", data=b"one", media_type=PDF, folder_id=drive_folder_id
    )
    fake_google.trash(first.id)

    again = await drive_client.upload(
        name="a.pdf", data=b"two", media_type=PDF, folder_id=drive_folder_id, file_id=first.id
    )

    assert again.id != first.id
    assert fake_google.file(first.id).content == b"one"
    assert fake_google.file(again.id).content == b"two"


async def test_a_file_moved_elsewhere_is_updated_where_it_is(
    drive_client: DriveClient, fake_google: FakeGoogle, drive_folder_id: str
) -> None:
    first = await drive_client.upload(
        name="a.pdf", data=b"one", media_type=PDF, folder_id=drive_folder_id
    )
    other = fake_google.add_folder("Mine")
    fake_google.move(first.id, other)  # the user moved it in Drive

    again = await drive_client.upload(
        name="a.pdf", data=b"two", media_type=PDF, folder_id=drive_folder_id, file_id=first.id
    )

    assert again.id == first.id
    assert fake_google.file(first.id).parents == [other]


@pytest.mark.parametrize("how", ["never existed", "trashed", "deleted"])
async def test_uploading_into_a_missing_folder_says_so(
    drive_client: DriveClient, fake_google: FakeGoogle, drive_folder_id: str, how: str
) -> None:
    folder_id = "no-such-folder" if how == "never existed" else drive_folder_id
    if how == "trashed":
        fake_google.trash(drive_folder_id)
    if how == "deleted":
        fake_google.delete(drive_folder_id)

    with pytest.raises(DriveFolderMissing) as missing:
        await drive_client.upload(name="a.pdf", data=b"x", media_type=PDF, folder_id=folder_id)

    assert missing.value.folder_id == folder_id
    assert missing.value.status_code == 409
    assert [f for f in fake_google.files if f.mime_type == PDF] == []


async def test_a_big_export_goes_resumable_and_arrives_intact(
    drive_client: DriveClient, fake_google: FakeGoogle, drive_folder_id: str
) -> None:
    uploaded = await drive_client.upload(
        name="video course.zip", data=BIG, media_type="application/zip", folder_id=drive_folder_id
    )

    stored = fake_google.file(uploaded.id)
    assert stored.content == BIG
    assert (stored.revisions, stored.parents) == (1, [drive_folder_id])
    assert uploaded.size == len(BIG)
    assert upload_types(fake_google) == [("POST", "resumable")]
    chunks = fake_google.requests_to(Endpoint.CHUNK)
    assert [c.body_size for c in chunks] == [TEST_CHUNK_SIZE] * 5 + [len(BIG) - 5 * TEST_CHUNK_SIZE]
    assert [c.status for c in chunks] == [308] * 5 + [200]
    assert chunks[0].headers["content-range"] == f"bytes 0-{TEST_CHUNK_SIZE - 1}/{len(BIG)}"


async def test_a_big_export_updates_in_place_too(
    drive_client: DriveClient, fake_google: FakeGoogle, drive_folder_id: str
) -> None:
    first = await drive_client.upload(
        name="a.zip", data=b"small", media_type="application/zip", folder_id=drive_folder_id
    )
    second = await drive_client.upload(
        name="a.zip",
        data=BIG,
        media_type="application/zip",
        folder_id=drive_folder_id,
        file_id=first.id,
    )

    assert second.id == first.id
    stored = fake_google.file(first.id)
    assert (stored.content == BIG, stored.revisions) == (True, 2)
    assert upload_types(fake_google) == [("POST", "multipart"), ("PATCH", "resumable")]


async def test_chunks_resume_from_what_google_kept(
    drive_client: DriveClient, fake_google: FakeGoogle, drive_folder_id: str
) -> None:
    fake_google.chunk_accept_limit = 3 * CHUNK_UNIT  # keeps 768 KiB of each 1 MiB sent

    uploaded = await drive_client.upload(
        name="a.zip", data=BIG, media_type="application/zip", folder_id=drive_folder_id
    )

    assert fake_google.file(uploaded.id).content == BIG
    starts = [
        int(c.headers["content-range"].split()[1].split("-")[0])
        for c in fake_google.requests_to(Endpoint.CHUNK)
    ]
    assert starts[:3] == [0, 3 * CHUNK_UNIT, 6 * CHUNK_UNIT]


async def test_an_interrupted_chunk_is_resumed_after_asking_google(
    drive_client: DriveClient, fake_google: FakeGoogle, drive_folder_id: str, no_backoff: None
) -> None:
    fake_google.fail_next(Fault.SERVER_ERROR, on=[Endpoint.CHUNK])

    uploaded = await drive_client.upload(
        name="a.zip", data=BIG, media_type="application/zip", folder_id=drive_folder_id
    )

    assert fake_google.file(uploaded.id).content == BIG
    chunks = fake_google.requests_to(Endpoint.CHUNK)
    assert chunks[0].status == 500
    assert chunks[1].headers["content-range"] == f"bytes */{len(BIG)}"  # the status query
    assert chunks[1].body_size == 0
    assert chunks[2].headers["content-range"].startswith("bytes 0-")


async def test_a_chunk_that_keeps_failing_gives_up_as_temporary(
    drive_client: DriveClient, fake_google: FakeGoogle, drive_folder_id: str, no_backoff: None
) -> None:
    fake_google.fail_next(Fault.SERVER_ERROR, times=10, on=[Endpoint.CHUNK])

    with pytest.raises(GoogleUnavailable):
        await drive_client.upload(
            name="a.zip", data=BIG, media_type="application/zip", folder_id=drive_folder_id
        )

    assert len(fake_google.requests_to(Endpoint.CHUNK)) == 1 + resumable.MAX_INTERRUPTIONS
    assert [f for f in fake_google.files if f.name == "a.zip"] == []


async def test_an_upload_google_stops_accepting_ends_as_temporary(
    drive_client: DriveClient, fake_google: FakeGoogle, drive_folder_id: str
) -> None:
    fake_google.chunk_accept_limit = 0  # every chunk answered 308, nothing kept

    with pytest.raises(GoogleUnavailable, match="not accepting"):
        await drive_client.upload(
            name="a.zip", data=BIG, media_type="application/zip", folder_id=drive_folder_id
        )

    assert len(fake_google.requests_to(Endpoint.CHUNK)) == 1 + resumable.MAX_INTERRUPTIONS


@pytest.mark.parametrize("size", [0, 1000, CHUNK_UNIT + 1])
def test_chunk_sizes_must_suit_google(
    google_http: httpx.AsyncClient, google_settings: Settings, size: int
) -> None:
    with pytest.raises(ValueError, match="multiple of 262144"):
        DriveClient(google_http, google_settings, "token", chunk_size=size)


class Reserved:
    """A caller's id reservation, as the sync job keeps it: the same id until it is spent."""

    def __init__(self, drive: DriveClient, first: str | None = None) -> None:
        self.drive, self.id, self.asked = drive, first, []

    async def __call__(self, spent: str | None) -> str:
        self.asked.append(spent)
        if self.id is None or self.id == spent:
            (self.id,) = await self.drive.generate_ids(1)
        return self.id


@pytest.mark.parametrize("data", [b"%PDF small", BIG], ids=["multipart", "resumable"])
async def test_a_create_sent_again_under_its_id_updates_the_file_it_made(
    drive_client: DriveClient, fake_google: FakeGoogle, drive_folder_id: str, data: bytes
) -> None:
    reserved = Reserved(drive_client)
    first = await drive_client.upload(
        name="a.pdf", data=b"one", media_type=PDF, folder_id=drive_folder_id, reserve_id=reserved
    )
    assert first.id == reserved.id
    # Its answer never arrived, so the caller knows no file_id: it sends the create again.
    again = await drive_client.upload(
        name="a.pdf", data=data, media_type=PDF, folder_id=drive_folder_id, reserve_id=reserved
    )

    assert again.id == first.id
    assert [f.id for f in fake_google.files if f.mime_type == PDF] == [first.id]
    stored = fake_google.file(first.id)
    assert (stored.content == data, stored.revisions) == (True, 2)  # not the bytes in a diff
    kind = "multipart" if len(data) <= MULTIPART_LIMIT else "resumable"
    sent = [
        (r.method, r.params["uploadType"], r.status)
        for r in fake_google.requests_to(Endpoint.UPLOAD)
    ]
    assert sent == [("POST", "multipart", 200), ("POST", kind, 409), ("PATCH", kind, 200)]
    assert reserved.asked == [None, None]
    generated = [
        r for r in fake_google.requests_to(Endpoint.FILES) if r.path.endswith("/generateIds")
    ]
    assert [(r.params["count"], r.params["space"], r.params["type"]) for r in generated] == [
        ("1", "drive", "files")
    ]


async def test_an_id_whose_file_went_to_the_trash_is_replaced(
    drive_client: DriveClient, fake_google: FakeGoogle, drive_folder_id: str
) -> None:
    reserved = Reserved(drive_client)
    first = await drive_client.upload(
        name="a.pdf", data=b"one", media_type=PDF, folder_id=drive_folder_id, reserve_id=reserved
    )
    fake_google.trash(first.id)

    again = await drive_client.upload(
        name="a.pdf", data=b"two", media_type=PDF, folder_id=drive_folder_id, reserve_id=reserved
    )

    assert again.id != first.id
    assert reserved.asked == [None, None, first.id]  # told it was spent: a fresh one
    assert fake_google.file(again.id).content == b"two"
    assert fake_google.file(first.id).content == b"one"  # left in the trash


async def test_an_id_google_did_not_generate_is_refused_and_replaced(
    drive_client: DriveClient, fake_google: FakeGoogle, drive_folder_id: str
) -> None:
    reserved = Reserved(drive_client, first="made-up-id")

    created = await drive_client.upload(
        name="a.pdf", data=b"one", media_type=PDF, folder_id=drive_folder_id, reserve_id=reserved
    )

    assert reserved.asked == [None, "made-up-id"]
    assert created.id == reserved.id != "made-up-id"
    refused = fake_google.requests_to(Endpoint.UPLOAD)[0]
    assert refused.status == 400  # fileIdNotUsable, as Google answers
