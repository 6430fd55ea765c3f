from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.audit.models import AuditEntry
from app.audit.schemas import AuditFilters
from app.core.pagination import PageParams


async def list_entries(
    session: AsyncSession, filters: AuditFilters, page: PageParams
) -> tuple[list[AuditEntry], int]:
    query = select(AuditEntry)
    if filters.entity_type:
        query = query.where(AuditEntry.entity_type == filters.entity_type)
    if filters.entity_id:
        query = query.where(AuditEntry.entity_id == filters.entity_id)
    if filters.actor_id:
        query = query.where(AuditEntry.actor_id == filters.actor_id)
    if filters.action:
        query = query.where(AuditEntry.action == filters.action)
    total = await session.scalar(select(func.count()).select_from(query.subquery()))
    rows = await session.scalars(
        query.order_by(AuditEntry.id.desc()).offset(page.offset).limit(page.page_size)
    )
    return list(rows), int(total or 0)
