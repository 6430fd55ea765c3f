"""OpenAIWriter with the real `openai` client against the fake server, over real HTTP."""

from __future__ import annotations

import time

import pytest
from pydantic import SecretStr

from app.config import Settings
from app.workflow.providers.base import ProviderError
from app.workflow.providers.openai_writer import OpenAIWriter
from app.workflow.schemas import OutlineDraft
from tests.fakes.fixtures import FAKE_API_KEY
from tests.fakes.openai_server import FakeOpenAI, Fault
from tests.workflow.briefs import make_brief, make_outline
from tests.workflow.support import writer_with


async def test_outline_is_a_structured_call_validated_by_pydantic(
    writer: OpenAIWriter, fake_openai: FakeOpenAI
) -> None:
    result = await writer.outline(make_brief(), ["More practice"])

    assert isinstance(result.value, OutlineDraft)
    assert len(result.value.modules) == 2
    [request] = fake_openai.requests
    assert request.model == "fake-outline-model"
    assert request.body["temperature"] == 0.3
    assert request.headers["authorization"] == f"Bearer {FAKE_API_KEY}"
    assert request.response_format is not None
    assert request.response_format["type"] == "json_schema"
    assert request.response_format["json_schema"]["name"] == "OutlineDraft"
    assert request.response_format["json_schema"]["strict"] is False
    assert request.response_format["json_schema"]["schema"] == OutlineDraft.model_json_schema()
    assert "Round 1: More practice" in request.prompt
    [usage] = result.usage
    assert usage.model == "fake-outline-model"
    assert usage.prompt_tokens == len(request.prompt.split())
    assert usage.completion_tokens > 0


async def test_malformed_json_is_repaired_once_with_the_error_sent_back(
    writer: OpenAIWriter, fake_openai: FakeOpenAI
) -> None:
    fake_openai.fail_next(Fault.MALFORMED_JSON)

    result = await writer.outline(make_brief(), [])

    first, repair = fake_openai.requests
    assert repair.messages[: len(first.messages)] == first.messages
    assistant, correction = repair.messages[len(first.messages) :]
    assert assistant == {"role": "assistant", "content": '{"modules": [{"title": "Cut off'}
    assert correction["role"] == "user"
    assert "failed validation: (root): Invalid JSON" in correction["content"]
    assert len(result.usage) == 2  # both calls are paid for


async def test_schema_invalid_answer_is_repaired_with_field_errors(
    writer: OpenAIWriter, fake_openai: FakeOpenAI
) -> None:
    fake_openai.fail_next(Fault.SCHEMA_INVALID)

    result = await writer.quiz(make_brief(), make_outline().modules[0], {})

    assert len(result.value.items) == 2
    correction = fake_openai.requests[1].messages[-1]["content"]
    assert "items: Field required" in correction
    assert "unexpected: Extra inputs are not permitted" in correction


async def test_two_invalid_answers_fail_with_a_clear_reason(
    writer: OpenAIWriter, fake_openai: FakeOpenAI
) -> None:
    fake_openai.fail_next(Fault.SCHEMA_INVALID)
    fake_openai.fail_next(Fault.MALFORMED_JSON)

    with pytest.raises(ProviderError) as caught:
        await writer.outline(make_brief(), [])

    assert str(caught.value).startswith(
        "outline: the model's answer was not valid JSON after one repair attempt: "
    )
    assert len(fake_openai.requests) == 2
    assert [u.model for u in caught.value.usage] == ["fake-outline-model"] * 2  # still billed


async def test_two_schema_invalid_answers_name_the_schema(
    writer: OpenAIWriter, fake_openai: FakeOpenAI
) -> None:
    fake_openai.fail_next(Fault.SCHEMA_INVALID, times=2)
    with pytest.raises(ProviderError, match="did not match the QuizDraft schema after one repair"):
        await writer.quiz(make_brief(), make_outline().modules[0], {})


async def test_answer_index_outside_the_choices_is_sent_for_repair(
    writer: OpenAIWriter, fake_openai: FakeOpenAI
) -> None:
    bad = (
        '{"items": [{"lesson_key": "m1-l1", "objective": "o", "question": "q", '
        '"choices": ["a", "b"], "answer_index": 2, "rationale": "r"}]}'
    )
    answers = iter([bad, bad.replace('"answer_index": 2', '"answer_index": 1')])
    fake_openai.responder = lambda request: next(answers)

    result = await writer.quiz(make_brief(), make_outline().modules[0], {})

    assert result.value.items[0].answer_index == 1
    assert "answer_index 2 is out of range" in fake_openai.requests[1].messages[-1]["content"]


async def test_json_in_a_markdown_fence_is_accepted(
    writer: OpenAIWriter, fake_openai: FakeOpenAI
) -> None:
    fake_openai.responder = lambda request: (
        '```json\n{"modules": [{"title": "T", "lessons": [{"title": "L", "objectives": ["o"]}]}]}'
        "\n```"
    )
    result = await writer.outline(make_brief(), [])
    assert result.value.modules[0].title == "T"
    assert len(fake_openai.requests) == 1


async def test_rate_limit_waits_for_retry_after(
    writer: OpenAIWriter, fake_openai: FakeOpenAI
) -> None:
    fake_openai.fail_next(Fault.RATE_LIMIT, retry_after="1")

    started = time.monotonic()
    result = await writer.outline(make_brief(), [])
    waited = time.monotonic() - started

    assert waited >= 0.95
    assert waited < 5
    assert len(fake_openai.requests) == 2
    assert len(result.usage) == 1  # the 429 reported no usage


async def test_server_errors_are_retried(writer: OpenAIWriter, fake_openai: FakeOpenAI) -> None:
    fake_openai.fail_next(Fault.SERVER_ERROR, times=2)

    result = await writer.outline(make_brief(), [])

    assert len(result.value.modules) == 2
    assert len(fake_openai.requests) == 3


async def test_retries_stop_at_the_configured_maximum(
    writer: OpenAIWriter, fake_openai: FakeOpenAI
) -> None:
    fake_openai.fail_next(Fault.SERVER_ERROR, times=3)

    with pytest.raises(ProviderError) as caught:
        await writer.outline(make_brief(), [])

    assert str(caught.value) == (
        "outline: the AI provider failed after 3 attempt(s): "
        "HTTP 500: The server had an error (scripted)."
    )
    assert len(fake_openai.requests) == 3  # OPENAI_MAX_RETRIES=2
    assert caught.value.usage == ()  # errors report no usage


async def test_bad_request_is_not_retried(writer: OpenAIWriter, fake_openai: FakeOpenAI) -> None:
    fake_openai.fail_next(Fault.BAD_REQUEST)

    with pytest.raises(ProviderError) as caught:
        await writer.quiz(make_brief(), make_outline().modules[0], {})

    assert str(caught.value) == (
        "quiz m1: the AI provider refused the call: HTTP 400: Invalid 'messages' (scripted)."
    )
    assert len(fake_openai.requests) == 1


async def test_wrong_key_is_not_retried(
    fake_openai_settings: Settings, fake_openai: FakeOpenAI
) -> None:
    settings = fake_openai_settings.model_copy(update={"openai_api_key": SecretStr("sk-wrong")})
    writer = writer_with(settings)
    try:
        with pytest.raises(ProviderError, match="HTTP 401"):
            await writer.outline(make_brief(), [])
    finally:
        await writer.aclose()
    assert len(fake_openai.requests) == 1


async def test_unreachable_server_is_retried_then_reported(fake_openai_settings: Settings) -> None:
    settings = fake_openai_settings.model_copy(
        update={"openai_base_url": "http://127.0.0.1:9/v1", "openai_max_retries": 1}
    )
    writer = writer_with(settings)
    try:
        with pytest.raises(ProviderError, match=r"failed after 2 attempt\(s\): APIConnectionError"):
            await writer.outline(make_brief(), [])
    finally:
        await writer.aclose()


async def test_slow_answers_time_out(
    fake_openai_settings: Settings, fake_openai: FakeOpenAI
) -> None:
    fake_openai.latency = 2
    settings = fake_openai_settings.model_copy(
        update={"openai_timeout_seconds": 0.3, "openai_max_retries": 0}
    )
    writer = writer_with(settings)
    try:
        with pytest.raises(ProviderError, match=r"failed after 1 attempt\(s\): APITimeoutError"):
            await writer.outline(make_brief(), [])
    finally:
        await writer.aclose()
