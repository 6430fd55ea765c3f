"""Briefs and outlines shared by the provider tests."""

from __future__ import annotations

from typing import Any

from app.workflow.schemas import Brief, Level, Outline, OutlineDraft

OBJECTIVES = [
    "Create a repository and record changes with commits",
    "Work on branches without disturbing the main line",
    "Merge branches and resolve conflicts safely",
    "Undo mistakes with revert and restore",
]


def make_brief(**overrides: Any) -> Brief:
    fields: dict[str, Any] = {
        "title": "Git for Designers",
        "audience": "product designers new to version control",
        "level": Level.BEGINNER,
        "duration_minutes": 90,
        "language": "en-GB",
        "tone": "calm and encouraging",
        "objectives": OBJECTIVES,
        "source_material": "Git stores snapshots.\nA branch is a movable pointer to a commit.",
        "modules": 2,
        "lessons_per_module": 2,
    }
    return Brief(**(fields | overrides))


def make_outline() -> Outline:
    return Outline.from_draft(
        OutlineDraft.model_validate(
            {
                "modules": [
                    {
                        "title": "Saving your work",
                        "summary": "Repositories and commits.",
                        "lessons": [
                            {"title": "Your first repository", "objectives": [OBJECTIVES[0]]},
                            {"title": "Undo without fear", "objectives": [OBJECTIVES[3]]},
                        ],
                    },
                    {
                        "title": "Working in parallel",
                        "lessons": [
                            {"title": "Branches", "objectives": [OBJECTIVES[1]]},
                            {"title": "Merging", "objectives": [OBJECTIVES[2], "Read a diff"]},
                        ],
                    },
                ]
            }
        )
    )
