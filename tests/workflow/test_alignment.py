"""The objectives-alignment matrix built at assembly."""

from __future__ import annotations

from app.workflow.nodes.assembly import alignment_matrix
from tests.workflow.briefs import OBJECTIVES, make_brief, make_outline


def test_every_objective_maps_to_lessons_and_items_and_gaps_are_flagged() -> None:
    outline = make_outline()
    for lesson, covers in zip(outline.lessons(), ([0], [3], [1], []), strict=True):
        lesson.covers = covers
    quizzes = {
        "m1": {"items": [{"lesson_key": "m1-l1"}, {"lesson_key": "m1-l2"}]},
        "m2": {"items": [{"lesson_key": "m2-l2"}]},
    }
    matrix = alignment_matrix(make_brief(), outline, quizzes)
    rows = {row["objective"]: row for row in matrix["objectives"]}
    assert rows[OBJECTIVES[0]]["lessons"] == ["m1-l1"]
    assert rows[OBJECTIVES[0]]["quiz_items"] == ["m1-q1"]
    assert rows[OBJECTIVES[3]]["quiz_items"] == ["m1-q2"]
    # Objective 1 has a lesson but no quiz item assesses it; objective 2 has no lesson.
    assert rows[OBJECTIVES[1]]["lessons"] == ["m2-l1"]
    assert rows[OBJECTIVES[1]]["quiz_items"] == []
    assert matrix["uncovered"] == [OBJECTIVES[1], OBJECTIVES[2]]
