"""The fake Google as tests hold it: `FakeGoogle` (test controls and the Starlette app
that routes to the OAuth and Drive handlers) and `serving`, which puts it on a port."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.fakes.google.drive import Drive
from tests.fakes.google.errors import fault_response
from tests.fakes.google.oauth import OAuth
from tests.fakes.google.state import (
    DRIVE,
    FOLDER,
    Endpoint,
    FakeFile,
    Fault,
    GoogleState,
    Hold,
    RecordedRequest,
)
from tests.fakes.threaded import serving_app

Handler = Callable[[Request, bytes], Response]


class FakeGoogle:
    """The fake's state and test controls; `app` serves it."""

    def __init__(self, client_id: str, client_secret: str, redirect_uris: Iterable[str]) -> None:
        self.state = GoogleState(client_id, client_secret, frozenset(redirect_uris))
        oauth = OAuth(self.state)
        self._drive = drive = Drive(self.state)  # kept: `_route` asks it to check tokens
        files = "/drive/v3/files"
        upload = "/upload/drive/v3/files"
        self.app = Starlette(
            routes=[
                self._route("/o/oauth2/v2/auth", Endpoint.AUTHORIZE, ["GET"], oauth.authorize),
                self._route("/token", Endpoint.TOKEN, ["POST"], oauth.token),
                self._route("/revoke", Endpoint.REVOKE, ["POST"], oauth.revoke),
                self._route(files, Endpoint.FILES, ["GET"], drive.list_files, drive=True),
                # Before files/{id}, which would take "generateIds" for an id.
                self._route(
                    files + "/generateIds", Endpoint.FILES, ["GET"], drive.generate_ids, drive=True
                ),
                self._route(files, Endpoint.FILES, ["POST"], drive.create_file, drive=True),
                self._route(files + "/{id}", Endpoint.FILES, ["GET"], drive.get_file, drive=True),
                self._route(upload, Endpoint.UPLOAD, ["POST"], drive.upload, drive=True),
                self._route(upload + "/{id}", Endpoint.UPLOAD, ["PATCH"], drive.upload, drive=True),
                # The session URL is the credential: Google wants no token on chunks.
                self._route(upload, Endpoint.CHUNK, ["PUT"], drive.chunk),
                self._route(upload + "/{id}", Endpoint.CHUNK, ["PUT"], drive.chunk),
            ]
        )

    # ---- test controls ----------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:<port> once serving."""
        return self.state.base_url

    @base_url.setter
    def base_url(self, value: str) -> None:
        self.state.base_url = value

    @property
    def chunk_accept_limit(self) -> int | None:
        """Bytes of each chunk kept (rounded down to 256 KiB); None keeps them all."""
        return self.state.chunk_accept_limit

    @chunk_accept_limit.setter
    def chunk_accept_limit(self, value: int | None) -> None:
        self.state.chunk_accept_limit = value

    def reset(self) -> None:
        self.state.reset()

    def settings_overrides(self) -> dict[str, str]:
        """Settings aliases pointing Courzly at this server."""
        return {
            "GOOGLE_CLIENT_ID": self.state.client_id,
            "GOOGLE_CLIENT_SECRET": self.state.client_secret,
            "GOOGLE_AUTH_URL": f"{self.base_url}/o/oauth2/v2/auth",
            "GOOGLE_TOKEN_URL": f"{self.base_url}/token",
            "GOOGLE_REVOKE_URL": f"{self.base_url}/revoke",
            "GOOGLE_API_URL": self.base_url,
        }

    def approve_as(self, email: str) -> None:
        self.state.account, self.state.denying = email, False

    def deny_consent(self) -> None:
        """The user presses Cancel on the consent screen."""
        self.state.denying = True

    def grant_only(self, *scopes: str) -> None:
        """The user unticks the other scopes on the consent screen (granular consent)."""
        self.state.granted = set(scopes)

    def expire_access_tokens(self) -> None:
        with self.state.lock:
            for token in self.state.access.values():
                token.expires_at = time.time() - 1

    def revoke_grants(self, email: str | None = None) -> None:
        """The user removes Courzly's access in their Google account settings."""
        with self.state.lock:
            for grant in self.state.grants:
                grant.revoked = grant.revoked or email in {None, grant.email}

    def fail_next(
        self, fault: Fault | str, times: int = 1, *, on: Iterable[Endpoint] = DRIVE
    ) -> None:
        """The next `times` requests to the `on` endpoints fail with `fault`."""
        with self.state.lock:
            self.state.faults.extend([(Fault(fault), frozenset(on))] * times)

    def hold_next(
        self, on: Iterable[Endpoint], *, carried_out: bool = False, seconds: float = 15.0
    ) -> Hold:
        """The next request to the `on` endpoints waits (its token already checked) until
        the test calls `release()` on the returned Hold, or `seconds` pass; its `arrived`
        is set when the request gets there. `carried_out`: the request is carried out
        first and only its answer waits, so a client that times out meanwhile never
        learns that it went through."""
        hold = Hold(frozenset(on), carried_out, seconds)
        with self.state.lock:
            self.state.holds.append(hold)
        return hold

    def add_folder(self, name: str, parent: str | None = None) -> str:
        with self.state.lock:
            return self.state.new_file(name, FOLDER, [parent] if parent else []).id

    def trash(self, file_id: str) -> None:
        with self.state.lock:
            self.state.files[file_id].trashed = True

    def move(self, file_id: str, parent: str) -> None:
        with self.state.lock:
            self.state.files[file_id].parents = [parent]

    def delete(self, file_id: str) -> None:
        with self.state.lock:
            del self.state.files[file_id]

    def file(self, file_id: str) -> FakeFile:
        """A copy, so a test's assertions cannot race the server's later writes."""
        with self.state.lock:
            stored = self.state.files[file_id]
            return replace(stored, parents=list(stored.parents))

    @property
    def files(self) -> list[FakeFile]:
        with self.state.lock:
            return [self.file(file_id) for file_id in self.state.files]

    @property
    def requests(self) -> list[RecordedRequest]:
        with self.state.lock:
            return list(self.state.requests)

    def requests_to(self, endpoint: Endpoint) -> list[RecordedRequest]:
        return [request for request in self.requests if request.endpoint is endpoint]

    # ---- plumbing ---------------------------------------------------------------------

    def _route(
        self,
        path: str,
        endpoint: Endpoint,
        methods: list[str],
        handler: Handler,
        *,
        drive: bool = False,
    ) -> Route:
        """A route that checks the bearer token (Drive only), plays a queued fault, runs
        the handler and records the exchange, all under the lock."""

        async def run(request: Request) -> Response:
            body = await request.body()
            state = self.state
            with state.lock:
                refused = self._drive.auth_error(request) if drive else None
                hold = None if refused else state.take_hold(endpoint)
            if hold is not None and not hold.carried_out:
                await hold.wait()  # outside the lock: other requests go on meanwhile
            with state.lock:
                response = refused or self._fault(endpoint) or handler(request, body)
                headers = {k: v for k, v in request.headers.items() if k != "authorization"}
                state.requests.append(
                    RecordedRequest(
                        endpoint,
                        request.method,
                        request.url.path,
                        dict(request.query_params),
                        headers,
                        len(body),
                        response.status_code,
                    )
                )
            if hold is not None and hold.carried_out:
                await hold.wait()
            return response

        return Route(path, run, methods=methods)

    def _fault(self, endpoint: Endpoint) -> Response | None:
        fault = self.state.take_fault(endpoint)
        return fault_response(fault, endpoint) if fault else None


@contextmanager
def serving(fake: FakeGoogle, host: str = "127.0.0.1", port: int = 0) -> Iterator[FakeGoogle]:
    """Runs the server in a background thread until the block ends."""
    with serving_app(fake.app, "Google", host, port) as base_url:
        fake.base_url = base_url
        yield fake
