"""The audit trail: every mutation writes one row in the same transaction as the change."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.audit import repository
from app.audit.models import AuditEntry
from app.audit.schemas import AuditFilters
from app.core.context import client_ip_var, request_id_var
from app.core.pagination import PageParams


async def record(
    session: AsyncSession,
    *,
    actor_id: uuid.UUID | None,
    action: str,
    entity_type: str,
    entity_id: uuid.UUID | str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            actor_id=actor_id,
            action=action,
            entity_type=entity_type,
            entity_id=str(entity_id),
            before=before,
            after=after,
            request_id=request_id_var.get(),
            ip=client_ip_var.get(),
        )
    )


async def list_entries(
    session: AsyncSession, filters: AuditFilters, page: PageParams
) -> tuple[list[AuditEntry], int]:
    return await repository.list_entries(session, filters, page)
