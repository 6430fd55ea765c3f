"""The webhook admin API, served twice: /webhooks for the organisation's endpoints and
/courses/{course_id}/webhooks for a course's. (No `from __future__ import annotations`:
the routes are built in a function, and FastAPI must see its local dependency.)"""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from app.core.api import API_PREFIX
from app.core.concurrency import IfMatch, etag, expected_version
from app.core.db import SessionDep
from app.core.dependencies import SettingsDep
from app.core.pagination import Page, PageDep
from app.webhooks import log, service
from app.webhooks.dependencies import ScopeDependency, course_scope, organisation_scope
from app.webhooks.models import DeliveryStatus
from app.webhooks.schemas import (
    DeliveryDetail,
    DeliveryRead,
    EndpointCreate,
    EndpointCreated,
    EndpointRead,
    EndpointSecret,
    EndpointUpdate,
    SecretRotate,
    TestResult,
)
from app.webhooks.service import Scope


def build_router(prefix: str, scope_dependency: ScopeDependency) -> APIRouter:
    router = APIRouter(prefix=f"{API_PREFIX}{prefix}", tags=["webhooks"])

    @router.get("")
    async def list_endpoints(
        scope: Annotated[Scope, Depends(scope_dependency)], session: SessionDep
    ) -> list[EndpointRead]:
        return await service.list_endpoints(session, scope)

    @router.post("", status_code=status.HTTP_201_CREATED)
    async def create_endpoint(
        body: EndpointCreate,
        scope: Annotated[Scope, Depends(scope_dependency)],
        session: SessionDep,
        settings: SettingsDep,
    ) -> EndpointCreated:
        """Registers the URL (refused with 422 when it is not http(s) or reaches inside
        this network) and returns its signing secret."""
        endpoint, secret = await service.create_endpoint(session, settings, scope, body)
        return EndpointCreated(**service.read(endpoint).model_dump(), secret=secret)

    @router.get("/{endpoint_id}")
    async def get_endpoint(
        endpoint_id: uuid.UUID,
        scope: Annotated[Scope, Depends(scope_dependency)],
        session: SessionDep,
        response: Response,
    ) -> EndpointRead:
        endpoint = await service.get_endpoint(session, scope, endpoint_id)
        response.headers["ETag"] = etag(endpoint.version)
        return service.read(endpoint)

    @router.patch("/{endpoint_id}")
    async def update_endpoint(
        endpoint_id: uuid.UUID,
        body: EndpointUpdate,
        scope: Annotated[Scope, Depends(scope_dependency)],
        session: SessionDep,
        settings: SettingsDep,
        response: Response,
        if_match: IfMatch = None,
    ) -> EndpointRead:
        version = expected_version(if_match, body.version)
        endpoint = await service.update_endpoint(
            session, settings, scope, endpoint_id, body, version
        )
        response.headers["ETag"] = etag(endpoint.version)
        return service.read(endpoint)

    @router.delete("/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT)
    async def delete_endpoint(
        endpoint_id: uuid.UUID,
        scope: Annotated[Scope, Depends(scope_dependency)],
        session: SessionDep,
    ) -> None:
        """Its queued messages go with it."""
        await service.delete_endpoint(session, scope, endpoint_id)

    @router.get("/{endpoint_id}/secret")
    async def reveal_secret(
        endpoint_id: uuid.UUID,
        scope: Annotated[Scope, Depends(scope_dependency)],
        session: SessionDep,
        settings: SettingsDep,
    ) -> EndpointSecret:
        """The signing secret again (each viewing is in the audit log)."""
        return await service.reveal_secret(session, settings, scope, endpoint_id)

    @router.post("/{endpoint_id}/rotate-secret")
    async def rotate_secret(
        endpoint_id: uuid.UUID,
        body: SecretRotate,
        scope: Annotated[Scope, Depends(scope_dependency)],
        session: SessionDep,
        settings: SettingsDep,
    ) -> EndpointSecret:
        return await service.rotate_secret(session, settings, scope, endpoint_id, body)

    @router.post("/{endpoint_id}/test")
    async def send_test(
        endpoint_id: uuid.UUID,
        scope: Annotated[Scope, Depends(scope_dependency)],
        session: SessionDep,
        settings: SettingsDep,
    ) -> TestResult:
        """Sends a signed `webhook.test` message now and reports the answer."""
        return await service.send_test(session, settings, scope, endpoint_id)

    @router.get("/{endpoint_id}/deliveries")
    async def list_deliveries(
        endpoint_id: uuid.UUID,
        scope: Annotated[Scope, Depends(scope_dependency)],
        session: SessionDep,
        page: PageDep,
        delivery_status: Annotated[DeliveryStatus | None, Query(alias="status")] = None,
    ) -> Page[DeliveryRead]:
        """The delivery log, newest first."""
        return await log.list_deliveries(session, scope, endpoint_id, delivery_status, page)

    @router.get("/{endpoint_id}/deliveries/{delivery_id}")
    async def get_delivery(
        endpoint_id: uuid.UUID,
        delivery_id: uuid.UUID,
        scope: Annotated[Scope, Depends(scope_dependency)],
        session: SessionDep,
    ) -> DeliveryDetail:
        """One message with its body and every attempt."""
        return await log.get_delivery(session, scope, endpoint_id, delivery_id)

    @router.post(
        "/{endpoint_id}/deliveries/{delivery_id}/redeliver", status_code=status.HTTP_202_ACCEPTED
    )
    async def redeliver(
        endpoint_id: uuid.UUID,
        delivery_id: uuid.UUID,
        scope: Annotated[Scope, Depends(scope_dependency)],
        session: SessionDep,
    ) -> DeliveryRead:
        """Queues the same message (same webhook-id) again, behind the endpoint's queue."""
        again = await log.redeliver(session, scope, endpoint_id, delivery_id)
        return DeliveryRead.model_validate(again)

    return router


organisation_router = build_router("/webhooks", organisation_scope)
course_router = build_router("/courses/{course_id}/webhooks", course_scope)
