"""OpenAIWriter streaming: lessons token by token, chat replies with proposed edits."""

from __future__ import annotations

import pytest

from app.workflow.providers.base import ChatTurn, ProviderError, Usage
from app.workflow.providers.openai_writer import EDIT_ONLY_REPLY, OpenAIWriter
from app.workflow.schemas import OutlineDraft
from tests.fakes.openai_server import FakeOpenAI, Fault
from tests.fakes.responders import Reply
from tests.workflow.briefs import make_brief, make_outline
from tests.workflow.support import Tokens


async def test_lesson_streams_tokens_in_order(
    writer: OpenAIWriter, fake_openai: FakeOpenAI
) -> None:
    text = "# Branches\n\nA branch is a pointer.\n\n## Recap\n\nBranch often.\n"
    fake_openai.responder = lambda request: text
    fake_openai.token_delay = 0.02
    outline = make_outline()
    tokens = Tokens()

    result = await writer.lesson(
        make_brief(), outline, outline.lesson("m2-l1"), ["Shorter"], tokens
    )

    assert result.value == text
    assert "".join(tokens.received) == text
    assert len(tokens.received) >= len(text.split())
    assert tokens.at[-1] - tokens.at[0] >= 0.1  # delivered as they came, not at the end
    [request] = fake_openai.requests
    assert request.stream is True
    assert request.body["stream_options"] == {"include_usage": True}
    assert request.model == "fake-lesson-model"
    assert "Round 1: Shorter" in request.prompt
    expected = Usage("fake-lesson-model", len(request.prompt.split()), len(text.split()))
    assert result.usage == (expected,)


async def test_stream_is_retried_when_it_fails_before_any_token(
    writer: OpenAIWriter, fake_openai: FakeOpenAI
) -> None:
    fake_openai.fail_next(Fault.RATE_LIMIT)
    fake_openai.fail_next(Fault.SERVER_ERROR)
    outline = make_outline()
    tokens = Tokens()

    result = await writer.lesson(make_brief(), outline, outline.lesson("m1-l1"), [], tokens)

    assert "".join(tokens.received) == result.value
    assert result.value.startswith("# Your first repository")
    assert len(fake_openai.requests) == 3


async def test_empty_lesson_is_an_error(writer: OpenAIWriter, fake_openai: FakeOpenAI) -> None:
    fake_openai.responder = lambda request: "  \n"
    outline = make_outline()
    with pytest.raises(ProviderError, match="lesson m1-l2: the model returned an empty lesson"):
        await writer.lesson(make_brief(), outline, outline.lesson("m1-l2"), [], Tokens())


PROPOSAL = "# Your first repository\n\nA tighter intro.\n\n```bash\ngit init\n```\n\nDone."


async def test_chat_reply_with_a_proposed_edit(
    writer: OpenAIWriter, fake_openai: FakeOpenAI
) -> None:
    fake_openai.responder = lambda request: (
        f"I tightened the intro.\n\n```lesson\n{PROPOSAL}\n```\n\nReview it below."
    )
    fake_openai.token_delay = 0.001
    lesson = make_outline().lesson("m1-l1")
    history = [ChatTurn("user", "Please rewrite the intro")]
    tokens = Tokens()

    result = await writer.chat(make_brief(), history, lesson, "# Old\n\nText.", tokens)

    assert result.value.proposed_content == PROPOSAL
    assert result.value.reply == "I tightened the intro.\n\nReview it below."
    streamed = "".join(tokens.received)
    assert streamed == "I tightened the intro.\n\n\nReview it below."
    assert "git init" not in streamed  # the block is not streamed
    [request] = fake_openai.requests
    assert request.model == "fake-chat-model"
    assert request.messages[-1] == {"role": "user", "content": "Please rewrite the intro"}
    assert len(result.usage) == 1


async def test_chat_reply_without_an_edit(writer: OpenAIWriter, fake_openai: FakeOpenAI) -> None:
    fake_openai.responder = lambda request: "A commit is a snapshot."
    tokens = Tokens()
    result = await writer.chat(make_brief(), [ChatTurn("user", "What?")], None, None, tokens)
    assert result.value.reply == "A commit is a snapshot."
    assert result.value.proposed_content is None
    assert "".join(tokens.received) == "A commit is a snapshot."


async def test_chat_drops_an_edit_when_no_lesson_is_open(
    writer: OpenAIWriter, fake_openai: FakeOpenAI
) -> None:
    fake_openai.responder = lambda request: "Sure.\n```lesson\n# New\n```"
    result = await writer.chat(make_brief(), [ChatTurn("user", "edit")], None, None, Tokens())
    assert result.value.proposed_content is None
    assert result.value.reply == "Sure."


async def test_chat_drops_an_edit_cut_off_by_the_length_limit(
    writer: OpenAIWriter, fake_openai: FakeOpenAI
) -> None:
    fake_openai.responder = lambda request: Reply("Here.\n```lesson\n# New\nhalf", "length")
    lesson = make_outline().lesson("m1-l1")
    result = await writer.chat(make_brief(), [ChatTurn("user", "edit")], lesson, "x", Tokens())
    assert result.value.proposed_content is None


async def test_chat_with_only_a_block_gets_a_default_reply(
    writer: OpenAIWriter, fake_openai: FakeOpenAI
) -> None:
    fake_openai.responder = lambda request: "```lesson\n# New\n"  # unclosed, not cut off
    lesson = make_outline().lesson("m1-l1")
    result = await writer.chat(make_brief(), [ChatTurn("user", "edit")], lesson, "x", Tokens())
    assert result.value.proposed_content == "# New"
    assert result.value.reply == EDIT_ONLY_REPLY


async def test_control_characters_from_the_model_never_reach_the_lesson(
    writer: OpenAIWriter, fake_openai: FakeOpenAI
) -> None:
    fake_openai.responder = lambda request: "# Title\x00\n\nText\x07 with a bell\x1b.\n"
    outline = make_outline()
    tokens = Tokens()
    result = await writer.lesson(make_brief(), outline, outline.lesson("m1-l1"), [], tokens)
    assert result.value == "# Title\n\nText with a bell.\n"
    assert "".join(tokens.received) == result.value


class Attempts:
    """What a structured answer streamed, per attempt."""

    def __init__(self) -> None:
        self.texts: dict[int, str] = {}

    async def __call__(self, attempt: int, token: str) -> None:
        self.texts[attempt] = self.texts.get(attempt, "") + token


async def test_outline_streams_its_json_as_it_is_written(
    writer: OpenAIWriter, fake_openai: FakeOpenAI
) -> None:
    streamed = Attempts()

    result = await writer.outline(make_brief(), [], streamed)

    [request] = fake_openai.requests
    assert request.stream is True
    assert request.schema_title == "OutlineDraft"  # still structured output, streamed
    assert list(streamed.texts) == [1]
    assert OutlineDraft.model_validate_json(streamed.texts[1]) == result.value
    assert result.usage[0].completion_tokens > 0  # usage arrives in the stream's last chunk


async def test_a_repaired_outline_streams_as_a_new_attempt(
    writer: OpenAIWriter, fake_openai: FakeOpenAI
) -> None:
    fake_openai.fail_next(Fault.SCHEMA_INVALID)
    streamed = Attempts()

    result = await writer.outline(make_brief(), [], streamed)

    assert list(streamed.texts) == [1, 2]
    assert "unexpected" in streamed.texts[1]  # the answer the repair round replaced
    assert OutlineDraft.model_validate_json(streamed.texts[2]) == result.value
    assert len(result.usage) == 2
