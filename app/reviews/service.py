"""The review history: every decision at a workflow gate, kept for feedback and audits."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from app.lessons import repository as lessons
from app.reviews.models import Decision, Review, ReviewTarget
from app.workflow.models import GateKind, ReviewGate

_TARGETS = {
    GateKind.OUTLINE: ReviewTarget.OUTLINE,
    GateKind.LESSON: ReviewTarget.LESSON,
    GateKind.FINAL: ReviewTarget.COURSE,
}
_DECISIONS = {"approve": Decision.APPROVED, "edit": Decision.EDITED, "reject": Decision.REJECTED}


async def record_gate_decision(
    session: AsyncSession, gate: ReviewGate, reviewer_id: uuid.UUID
) -> Review:
    target_id = gate.course_id
    if gate.kind is GateKind.LESSON and gate.lesson_key:
        lesson = await lessons.lesson_by_key(session, gate.course_id, gate.lesson_key)
        target_id = lesson.id if lesson is not None else gate.course_id
    review = Review(
        course_id=gate.course_id,
        target_type=_TARGETS[gate.kind],
        target_id=target_id,
        decision=_DECISIONS[gate.decision or "approve"],
        feedback=gate.feedback or "",
        reviewer_id=reviewer_id,
    )
    session.add(review)
    await session.flush()
    return review
