"""Drive's resumable upload protocol, for files too big for one multipart request:
start a session, then PUT the bytes in chunks, each a multiple of 256 KiB except the
last, continuing from what Google says it kept (a 308 answer's Range header)."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx

from app.integrations.google.errors import GoogleUnavailable
from app.integrations.google.transport import retry_after, send

CHUNK_UNIT = 256 * 1024  # Google refuses non-final chunks that are not multiples of this
RESUME_INCOMPLETE = 308
MAX_INTERRUPTIONS = 3
BACKOFF_SECONDS = 0.5  # doubled after each interruption
_RANGE = re.compile(r"bytes=0-(\d+)")


async def upload_resumable(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    headers: dict[str, str],
    params: dict[str, str],
    metadata: dict[str, Any],
    data: bytes,
    media_type: str,
    chunk_size: int,
) -> httpx.Response:
    """Returns the answer that ends the upload (the file resource on success), or the
    session start's error answer for the caller to interpret (404, 401 ...)."""
    total = len(data)
    start = await send(
        client,
        method,
        url,
        params={**params, "uploadType": "resumable"},
        headers={
            **headers,
            "x-upload-content-type": media_type,
            "x-upload-content-length": str(total),
        },
        json=metadata,
    )
    if not start.is_success:
        return start
    session_url = start.headers.get("location")
    if not session_url:
        raise GoogleUnavailable("Google Drive did not open an upload session; try again later.")

    offset, interruptions, stalled = 0, 0, 0
    while True:
        end = min(offset + chunk_size, total)
        # No Authorization header: the session URL is the credential, so an access token
        # that expires during a long upload does not break it (and is not sent again).
        answer = await _put(
            client, session_url, data[offset:end], f"bytes {offset}-{end - 1}/{total}"
        )
        while answer is None or _interrupted(answer):
            interruptions += 1
            if interruptions > MAX_INTERRUPTIONS:
                raise GoogleUnavailable(
                    "The upload to Google Drive kept failing; try again later.",
                    retry_after=retry_after(answer) if answer is not None else None,
                )
            await asyncio.sleep(BACKOFF_SECONDS * 2 ** (interruptions - 1))
            # Part of the chunk may have arrived: ask where to resume rather than guess.
            answer = await _put(client, session_url, b"", f"bytes */{total}")
        if answer.status_code != RESUME_INCOMPLETE:
            return _finished(answer)
        kept = _kept(answer)  # may be less than we sent: the rest goes again
        stalled = stalled + 1 if kept <= offset else 0
        if stalled > MAX_INTERRUPTIONS:  # no progress: stop rather than loop forever
            raise GoogleUnavailable("Google Drive is not accepting the upload; try again later.")
        offset = kept


async def _put(
    client: httpx.AsyncClient, url: str, content: bytes, content_range: str
) -> httpx.Response | None:
    try:
        return await send(
            client, "PUT", url, content=content, headers={"content-range": content_range}
        )
    except GoogleUnavailable:
        return None  # no answer at all: treated like a 5xx, resumed after a status query


def _finished(answer: httpx.Response) -> httpx.Response:
    """The answer that ends the session: the file resource, or a refusal for the caller.
    A 404 here means the session itself expired (they last a week), not a missing file."""
    if answer.status_code in {404, 410}:
        raise GoogleUnavailable("The Google Drive upload session expired; export again.")
    return answer


def _interrupted(answer: httpx.Response) -> bool:
    return answer.status_code == 429 or answer.status_code >= 500


def _kept(answer: httpx.Response) -> int:
    """How many bytes Google holds: its `Range: bytes=0-N` header, none when absent."""
    match = _RANGE.fullmatch(answer.headers.get("range", "").strip())
    return int(match.group(1)) + 1 if match else 0
