"""The fake OpenAI server speaks the protocol the official client expects."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx
import openai
import pytest
from pydantic import BaseModel, Field

from app.workflow import prompts
from app.workflow.schemas import OutlineDraft, QuizDraft
from tests.fakes.fixtures import FAKE_API_KEY
from tests.fakes.openai_server import FakeOpenAI, Fault
from tests.fakes.responders import RecordedRequest, Reply, minimal_instance, quiz_lessons
from tests.workflow.briefs import OBJECTIVES, make_brief, make_outline

REPO_ROOT = Path(__file__).resolve().parents[2]


def client_for(fake: FakeOpenAI, key: str = FAKE_API_KEY) -> openai.AsyncOpenAI:
    return openai.AsyncOpenAI(api_key=key, base_url=fake.base_url, max_retries=0, timeout=10)


def post(fake: FakeOpenAI, body: Mapping[str, object]) -> httpx.Response:
    return httpx.post(
        f"{fake.base_url}/chat/completions",
        json=body,
        headers={"Authorization": f"Bearer {FAKE_API_KEY}"},
        timeout=10,
    )


async def test_plain_completion_with_usage_and_request_log(fake_openai: FakeOpenAI) -> None:
    async with client_for(fake_openai) as client:
        completion = await client.chat.completions.create(
            model="m-1", messages=[{"role": "user", "content": "three words here"}]
        )

    assert completion.choices[0].message.content == "A reply from the fake OpenAI server."
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    assert (completion.usage.prompt_tokens, completion.usage.completion_tokens) == (3, 7)
    [request] = fake_openai.requests
    assert (request.model, request.stream, request.response_format) == ("m-1", False, None)
    assert request.messages == [{"role": "user", "content": "three words here"}]


async def test_stream_sends_deltas_then_usage_then_done(fake_openai: FakeOpenAI) -> None:
    fake_openai.responder = lambda request: "one two  three\nfour"
    pieces: list[str] = []
    usage = None
    async with client_for(fake_openai) as client:
        stream = await client.chat.completions.create(
            model="m",
            messages=[{"role": "user", "content": "go"}],
            stream=True,
            stream_options={"include_usage": True},
        )
        async for chunk in stream:
            pieces += [c.delta.content for c in chunk.choices if c.delta.content]
            usage = chunk.usage or usage

    assert pieces == ["one", " two", "  three", "\nfour"]
    assert usage is not None
    assert (usage.prompt_tokens, usage.completion_tokens) == (1, 4)
    assert fake_openai.requests[0].stream is True


def test_raw_sse_without_include_usage_has_no_usage_chunk(fake_openai: FakeOpenAI) -> None:
    fake_openai.responder = lambda request: "hi"
    response = post(fake_openai, {"model": "m", "messages": [], "stream": True})

    events = [line[6:] for line in response.text.splitlines() if line.startswith("data: ")]
    assert response.headers["content-type"].startswith("text/event-stream")
    assert events[-1] == "[DONE]"
    chunks = [json.loads(event) for event in events[:-1]]
    assert all(chunk["choices"] for chunk in chunks)
    assert chunks[-1]["choices"][0]["finish_reason"] == "stop"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer sk-wrong"}])
def test_wrong_or_missing_key_is_rejected_and_logged(
    fake_openai: FakeOpenAI, headers: dict[str, str]
) -> None:
    fake_openai.fail_next(Fault.SERVER_ERROR)
    body = {"model": "m", "messages": []}
    url = f"{fake_openai.base_url}/chat/completions"

    response = httpx.post(url, json=body, headers=headers, timeout=10)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"
    assert len(fake_openai.requests) == 1
    assert post(fake_openai, body).status_code == 500  # the scripted fault is still queued


def test_scripted_faults_apply_to_the_next_calls_in_order(fake_openai: FakeOpenAI) -> None:
    fake_openai.fail_next(Fault.RATE_LIMIT, retry_after="3")
    fake_openai.fail_next(Fault.SERVER_ERROR, times=2)
    fake_openai.fail_next("bad_request")
    body = {"model": "m", "messages": [{"role": "user", "content": "x"}]}

    responses = [post(fake_openai, body) for _ in range(5)]

    assert [r.status_code for r in responses] == [429, 500, 500, 400, 200]
    assert responses[0].headers["retry-after"] == "3"
    assert responses[3].json()["error"]["type"] == "invalid_request_error"
    assert len(fake_openai.requests) == 5


def test_malformed_and_schema_invalid_content_faults(fake_openai: FakeOpenAI) -> None:
    fake_openai.fail_next(Fault.MALFORMED_JSON)
    fake_openai.fail_next(Fault.SCHEMA_INVALID)
    body = {"model": "m", "messages": [{"role": "user", "content": "x"}]}

    malformed, invalid = (post(fake_openai, body).json() for _ in range(2))

    with pytest.raises(json.JSONDecodeError):
        json.loads(malformed["choices"][0]["message"]["content"])
    assert json.loads(invalid["choices"][0]["message"]["content"]) == {
        "unexpected": "this is not what the schema asked for"
    }


def test_responder_may_end_with_another_finish_reason(fake_openai: FakeOpenAI) -> None:
    fake_openai.responder = lambda request: Reply("cut", finish_reason="length")
    body = post(fake_openai, {"model": "m", "messages": []}).json()
    assert body["choices"][0]["finish_reason"] == "length"


def test_latency_and_token_delay_are_applied(fake_openai: FakeOpenAI) -> None:
    fake_openai.latency = 0.3
    started = time.monotonic()
    post(fake_openai, {"model": "m", "messages": []})
    assert time.monotonic() - started >= 0.3

    fake_openai.latency, fake_openai.token_delay = 0.0, 0.05
    fake_openai.responder = lambda request: "a b c d e f"
    started = time.monotonic()
    post(fake_openai, {"model": "m", "messages": [], "stream": True})
    assert time.monotonic() - started >= 0.3


def test_default_outline_follows_the_prompt_and_validates(fake_openai: FakeOpenAI) -> None:
    brief = make_brief(modules=3, lessons_per_module=2)
    body = {
        "model": "m",
        "messages": prompts.outline_messages(brief, []),
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "OutlineDraft", "schema": OutlineDraft.model_json_schema()},
        },
    }
    content = post(fake_openai, body).json()["choices"][0]["message"]["content"]

    outline = OutlineDraft.model_validate_json(content)
    assert [len(module.lessons) for module in outline.modules] == [2, 2, 2]
    covered = {index for m in outline.modules for lesson in m.lessons for index in lesson.covers}
    assert covered == set(range(len(OBJECTIVES)))


def test_default_quiz_ties_items_to_prompt_lessons_verbatim(fake_openai: FakeOpenAI) -> None:
    module = make_outline().modules[1]
    messages = prompts.quiz_messages(make_brief(), module, {"m2-l1": "- not an objective"})
    body = {
        "model": "m",
        "messages": messages,
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "QuizDraft", "schema": QuizDraft.model_json_schema()},
        },
    }
    content = post(fake_openai, body).json()["choices"][0]["message"]["content"]

    quiz = QuizDraft.model_validate_json(content)
    expected = [(lesson.key, text) for lesson in module.lessons for text in lesson.objectives]
    assert [(item.lesson_key, item.objective) for item in quiz.items] == expected
    assert quiz_lessons(messages[1]["content"]) == [
        (lesson.key, lesson.objectives) for lesson in module.lessons
    ]


class Nested(BaseModel):
    names: list[str] = Field(min_length=2)
    count: int = Field(ge=3)
    note: str | None


class UnknownShape(BaseModel):
    items: list[Nested] = Field(min_length=1)
    flag: bool


def test_unknown_schemas_get_a_minimal_valid_instance(fake_openai: FakeOpenAI) -> None:
    request = RecordedRequest(
        model="m",
        messages=[],
        response_format={
            "type": "json_schema",
            "json_schema": {"name": "x", "schema": UnknownShape.model_json_schema()},
        },
        stream=False,
        body={},
        headers={},
    )
    UnknownShape.model_validate(minimal_instance(UnknownShape.model_json_schema()))
    UnknownShape.model_validate_json(fake_openai.responder(request))  # type: ignore[arg-type]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_runs_as_a_separate_process_for_benchmarks() -> None:
    port = _free_port()
    command = [sys.executable, "-m", "tests.fakes.openai_server", "--port", str(port)]
    process = subprocess.Popen(command, cwd=REPO_ROOT, stdout=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.post(
                    f"http://127.0.0.1:{port}/v1/chat/completions",
                    json={"model": "m", "messages": [{"role": "user", "content": "hi"}]},
                    timeout=2,
                )
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server process did not come up"
                time.sleep(0.1)
        assert response.status_code == 200
        assert response.json()["usage"]["prompt_tokens"] == 1
    finally:
        process.terminate()
        process.wait(timeout=10)
        assert process.stdout is not None
        process.stdout.close()


async def test_a_held_answer_waits_for_the_release(fake_openai: FakeOpenAI) -> None:
    fake_openai.hold()
    async with client_for(fake_openai) as client:
        asked = asyncio.create_task(
            client.chat.completions.create(
                model="m-1", messages=[{"role": "user", "content": "hi"}]
            )
        )
        for _ in range(500):  # recorded at once, answered later
            if fake_openai.requests:
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.2)
        assert not asked.done()
        fake_openai.release()
        completion = await asyncio.wait_for(asked, 10)
    assert completion.choices[0].message.content == "A reply from the fake OpenAI server."
