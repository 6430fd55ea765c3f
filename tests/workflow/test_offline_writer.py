"""Offline writer: deterministic, labelled drafts covering the brief; never used with a key."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from app.config import Settings
from app.workflow.providers import close_writer, writer_for
from app.workflow.providers.base import ChatTurn
from app.workflow.providers.offline import OfflineWriter
from app.workflow.providers.offline_drafts import LESSON_BANNER, OFFLINE_LABEL
from app.workflow.providers.openai_writer import OpenAIWriter
from app.workflow.schemas import LessonPlan, ModulePlan, Outline, OutlineDraft
from tests.workflow.briefs import OBJECTIVES, make_brief, make_outline


class Tokens:
    def __init__(self) -> None:
        self.received: list[str] = []

    async def __call__(self, token: str) -> None:
        self.received.append(token)


async def test_same_brief_gives_identical_drafts() -> None:
    first, second = OfflineWriter(), OfflineWriter()
    brief, feedback = make_brief(), ["More examples"]

    outline_a = (await first.outline(brief, feedback)).value
    outline_b = (await second.outline(make_brief(), list(feedback))).value
    assert outline_a == outline_b

    outline = Outline.from_draft(outline_a)
    lesson = outline.lessons()[0]
    text_a = (await first.lesson(brief, outline, lesson, [], Tokens())).value
    text_b = (await second.lesson(brief, outline, lesson, [], Tokens())).value
    assert text_a == text_b
    quiz_a = (await first.quiz(brief, outline.modules[0], {})).value
    assert quiz_a == (await second.quiz(brief, outline.modules[0], {})).value


@pytest.mark.parametrize(
    ("objectives", "modules", "per_module"),
    [(4, 2, 2), (4, 3, 3), (20, 1, 1), (7, 2, 3), (1, 12, 10)],
)
async def test_outline_has_the_requested_shape_and_covers_every_objective(
    objectives: int, modules: int, per_module: int
) -> None:
    brief = make_brief(
        objectives=[f"Objective number {n}" for n in range(objectives)],
        modules=modules,
        lessons_per_module=per_module,
    )

    result = await OfflineWriter().outline(brief, [])

    assert result.usage == ()
    assert [len(m.lessons) for m in result.value.modules] == [per_module] * modules
    lessons = [lesson for m in result.value.modules for lesson in m.lessons]
    assert {index for lesson in lessons for index in lesson.covers} == set(range(objectives))
    for lesson in lessons:
        assert lesson.covers
        assert set(lesson.objectives) <= {brief.objectives[i] for i in lesson.covers}
    assert all(m.summary.startswith(f"{OFFLINE_LABEL}:") for m in result.value.modules)


async def test_outline_streams_the_json_of_the_draft_in_one_attempt() -> None:
    texts: dict[int, list[str]] = {}

    async def sink(attempt: int, token: str) -> None:
        texts.setdefault(attempt, []).append(token)

    result = await OfflineWriter().outline(make_brief(), [], sink)

    assert list(texts) == [1]
    assert len(texts[1]) > 1  # in pieces, as a model would
    assert OutlineDraft.model_validate_json("".join(texts[1])) == result.value


async def test_outline_reflects_the_feedback_rounds() -> None:
    feedback = ["Too theoretical", "Add a project at the end"]

    outline = (await OfflineWriter().outline(make_brief(), feedback)).value

    for module in outline.modules:
        assert "Revised after 2 rounds of feedback" in module.summary
        assert "“Add a project at the end”" in module.summary


async def test_lesson_is_labelled_markdown_streamed_in_small_chunks() -> None:
    outline = make_outline()
    lesson = outline.lesson("m2-l2")
    tokens = Tokens()

    result = await OfflineWriter().lesson(make_brief(), outline, lesson, ["Use a diagram"], tokens)

    text = result.value
    assert text.startswith("> Offline draft: generated without an AI provider")
    assert text.startswith(LESSON_BANNER)
    assert f"\n# {lesson.title}\n" in text
    for objective in lesson.objectives:
        assert f"- {objective}" in text
    assert "Revised after 1 round of feedback" in text
    assert "“Use a diagram”" in text
    assert "".join(tokens.received) == text
    assert len(tokens.received) > 10
    assert all(len(chunk.split()) <= 4 for chunk in tokens.received)
    assert result.usage == ()


async def test_quiz_has_one_labelled_item_per_lesson_objective() -> None:
    outline = make_outline()
    module = outline.modules[1]

    quiz = (await OfflineWriter().quiz(make_brief(), module, {"m2-l1": "text"})).value

    expected = [(lesson.key, text) for lesson in module.lessons for text in lesson.objectives]
    assert [(item.lesson_key, item.objective) for item in quiz.items] == expected
    for item in quiz.items:
        assert item.choices[item.answer_index] == item.objective
        assert len(set(item.choices)) == len(item.choices) >= 3
        assert item.rationale.startswith(f"{OFFLINE_LABEL}:")
    assert len({item.answer_index for item in quiz.items}) > 1  # not always the same slot


async def test_twenty_objectives_in_one_lesson_pair_fit_the_schema() -> None:
    brief = make_brief(
        objectives=[f"Objective {n}" for n in range(20)], modules=1, lessons_per_module=2
    )
    writer = OfflineWriter()
    outline = Outline.from_draft((await writer.outline(brief, [])).value)
    module = outline.modules[0]
    assert [len(lesson.objectives) for lesson in module.lessons] == [10, 10]
    assert len((await writer.quiz(brief, module, {})).value.items) == 20


async def test_quiz_is_capped_at_thirty_items() -> None:
    lessons = [
        LessonPlan(key=f"m1-l{n}", title=f"L{n}", objectives=[f"O{n}.{i}" for i in range(10)])
        for n in range(1, 5)
    ]
    module = ModulePlan(key="m1", title="Big", lessons=lessons)

    quiz = (await OfflineWriter().quiz(make_brief(), module, {})).value

    assert len(quiz.items) == 30
    assert quiz.items[-1].objective == "O3.9"


async def test_chat_answers_and_proposes_an_edit_only_when_asked() -> None:
    writer, brief = OfflineWriter(), make_brief()
    lesson = make_outline().lesson("m1-l1")
    content = "# Your first repository\n\nSome text."

    question = await writer.chat(
        brief, [ChatTurn("user", "What is HEAD?")], lesson, content, Tokens()
    )
    assert question.value.reply.startswith(f"{OFFLINE_LABEL}:")
    assert "What is HEAD?" in question.value.reply
    assert OBJECTIVES[0] in question.value.reply
    assert question.value.proposed_content is None

    tokens = Tokens()
    history = [ChatTurn("user", "Please rewrite the intro")]
    edit = (await writer.chat(brief, history, lesson, content, tokens)).value
    assert edit.proposed_content is not None
    assert edit.proposed_content.startswith("> Offline draft: edited without an AI provider")
    assert edit.proposed_content.endswith(content)
    assert "".join(tokens.received) == edit.reply

    again = await writer.chat(brief, history, lesson, edit.proposed_content, Tokens())
    assert again.value.proposed_content == edit.proposed_content  # banners do not pile up


async def test_chat_without_a_lesson_never_proposes_an_edit() -> None:
    result = await OfflineWriter().chat(
        make_brief(), [ChatTurn("user", "Change everything")], None, None, Tokens()
    )
    assert result.value.proposed_content is None
    assert result.usage == ()


def settings_with_key(key: str | None) -> Settings:
    return Settings.model_validate(
        {"OPENAI_API_KEY": SecretStr(key) if key else None, "OPENAI_BASE_URL": None}
    )


async def test_writer_for_picks_openai_whenever_a_key_is_set() -> None:
    writer = writer_for(settings_with_key("sk-anything"))
    assert isinstance(writer, OpenAIWriter)
    assert writer.offline is False
    await close_writer(writer)


async def test_writer_for_is_offline_without_a_key() -> None:
    writer = writer_for(settings_with_key(None))
    assert isinstance(writer, OfflineWriter)
    assert writer.offline is True
    await close_writer(writer)
