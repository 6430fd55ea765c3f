from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from app.audit import service
from app.audit.schemas import AuditEntryRead, AuditFilters
from app.auth.dependencies import Auditor
from app.core.api import API_PREFIX
from app.core.db import SessionDep
from app.core.pagination import Page, PageDep
from app.core.schemas import SearchText

router = APIRouter(prefix=f"{API_PREFIX}/audit", tags=["audit"])


@router.get("")
async def list_audit_entries(
    session: SessionDep,
    _: Auditor,
    page: PageDep,
    entity_type: Annotated[SearchText | None, Query()] = None,
    entity_id: Annotated[SearchText | None, Query()] = None,
    actor_id: uuid.UUID | None = None,
    action: Annotated[SearchText | None, Query()] = None,
) -> Page[AuditEntryRead]:
    filters = AuditFilters(
        entity_type=entity_type, entity_id=entity_id, actor_id=actor_id, action=action
    )
    entries, total = await service.list_entries(session, filters, page)
    return Page(
        items=[AuditEntryRead.model_validate(e) for e in entries],
        page=page.page,
        page_size=page.page_size,
        total=total,
    )
