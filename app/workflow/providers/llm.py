"""A thin layer over the official `openai` client: JSON answers validated by pydantic with
one repair round, streamed text, and our own retries (the client's are switched off so
every attempt is counted, its usage recorded and Retry-After honoured within a cap)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

import openai
from openai.types.chat import (
    ChatCompletionAssistantMessageParam,
    ChatCompletionMessageParam,
    ChatCompletionSystemMessageParam,
    ChatCompletionUserMessageParam,
)
from openai.types.completion_usage import CompletionUsage
from openai.types.shared_params import ResponseFormatJSONSchema
from pydantic import BaseModel, ValidationError

from app.config import Settings
from app.core.schemas import printable
from app.workflow import metrics, prompts
from app.workflow.prompts import ChatMessage
from app.workflow.providers.base import AttemptSink, ProviderError, Result, TokenSink, Usage
from app.workflow.providers.retry import (
    Backoff,
    describe_status_error,
    is_retryable_status,
    retry_after_seconds,
)

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")

# Some compatible servers (Ollama, small local models) wrap JSON in a Markdown fence even
# when asked for JSON; unwrapping it is cheaper than a repair round.
_FENCED_JSON = re.compile(r"^\s*```(?:json)?\s*\n(.*)\n\s*```\s*$", re.DOTALL)
_MAX_REPORTED_ERRORS = 8


@dataclass(frozen=True)
class StreamedText:
    text: str
    finish_reason: str | None  # "length" means the answer was cut off


def _openai_messages(messages: Sequence[ChatMessage]) -> list[ChatCompletionMessageParam]:
    converted: list[ChatCompletionMessageParam] = []
    for message in messages:
        if message["role"] == "system":
            converted.append(
                ChatCompletionSystemMessageParam(role="system", content=message["content"])
            )
        elif message["role"] == "assistant":
            converted.append(
                ChatCompletionAssistantMessageParam(role="assistant", content=message["content"])
            )
        else:
            converted.append(
                ChatCompletionUserMessageParam(role="user", content=message["content"])
            )
    return converted


def describe_validation_error(error: ValidationError) -> str:
    """Short enough for a repair prompt and a run's error, specific enough to act on."""
    details = error.errors(include_url=False, include_input=False)
    parts = [
        f"{'.'.join(str(p) for p in item['loc']) or '(root)'}: {item['msg']}"
        for item in details[:_MAX_REPORTED_ERRORS]
    ]
    if len(details) > _MAX_REPORTED_ERRORS:
        parts.append(f"... and {len(details) - _MAX_REPORTED_ERRORS} more errors")
    return "; ".join(parts)


def parse_answer(content: str, schema: type[M]) -> M:
    fenced = _FENCED_JSON.match(content)
    return schema.model_validate_json(fenced.group(1) if fenced else content)


class LLMClient:
    def __init__(
        self,
        settings: Settings,
        *,
        backoff: Backoff | None = None,
        client: openai.AsyncOpenAI | None = None,
    ) -> None:
        if client is None:
            if settings.openai_api_key is None:
                raise ValueError("the OpenAI writer needs OPENAI_API_KEY")
            client = openai.AsyncOpenAI(
                api_key=settings.openai_api_key.get_secret_value(),
                base_url=settings.openai_base_url,
                timeout=settings.openai_timeout_seconds,
                max_retries=0,
            )
        self._client = client
        self._max_retries = settings.openai_max_retries
        self._backoff = backoff or Backoff()

    async def aclose(self) -> None:
        await self._client.close()

    async def structured(
        self,
        task: str,
        model: str,
        messages: Sequence[ChatMessage],
        schema: type[M],
        temperature: float,
        on_token: AttemptSink | None = None,
    ) -> Result[M]:
        """The answer as `schema`, with one repair round; streamed to `on_token` if given."""
        usage: list[Usage] = []
        conversation = list(messages)
        attempts = 0
        response_format = ResponseFormatJSONSchema(
            type="json_schema",
            json_schema={
                "name": schema.__name__,
                "schema": schema.model_json_schema(),
                "strict": False,
            },
        )

        async def attempt(asked: list[ChatMessage]) -> str:
            nonlocal attempts
            attempts += 1  # each call, retry or repair, streams a text of its own
            sink = None if on_token is None else partial(on_token, attempts)
            return await self._complete_json(
                model, asked, temperature, response_format, usage, sink
            )

        for repaired in (False, True):
            content = await self._with_retries(
                task, model, partial(attempt, list(conversation)), usage
            )
            try:
                return Result(parse_answer(content, schema), tuple(usage))
            except ValidationError as error:
                reason = describe_validation_error(error)
                if repaired:
                    metrics.AI_ERRORS.labels(metrics.phase_of(task), "invalid_answer").inc()
                    raise ProviderError(
                        _final_reason(task, schema, error, reason), tuple(usage)
                    ) from error
                conversation += [
                    {"role": "assistant", "content": content},
                    prompts.repair_message(reason),
                ]
        raise AssertionError("unreachable: the loop returns or raises")

    async def _complete_json(
        self,
        model: str,
        conversation: list[ChatMessage],
        temperature: float,
        response_format: ResponseFormatJSONSchema,
        usage: list[Usage],
        on_token: TokenSink | None,
    ) -> str:
        if on_token is not None:  # the same call, streamed: forwarded now, parsed at the end
            streamed = await self._streamed(
                model, conversation, temperature, usage, on_token, response_format
            )
            return streamed.text
        completion = await self._client.chat.completions.create(
            model=model,
            messages=_openai_messages(conversation),
            temperature=temperature,
            response_format=response_format,
        )
        _record(usage, model, completion.usage)
        return (completion.choices[0].message.content or "") if completion.choices else ""

    async def _streamed(
        self,
        model: str,
        messages: Sequence[ChatMessage],
        temperature: float,
        usage: list[Usage],
        on_token: TokenSink,
        response_format: ResponseFormatJSONSchema | None = None,
    ) -> StreamedText:
        """One streamed call: each piece of text forwarded as it arrives, usage recorded."""
        parts: list[str] = []
        finish_reason: str | None = None
        stream = await self._client.chat.completions.create(
            model=model,
            messages=_openai_messages(messages),
            temperature=temperature,
            stream=True,
            stream_options={"include_usage": True},
            response_format=openai.omit if response_format is None else response_format,
        )
        async with stream:
            async for chunk in stream:
                _record(usage, model, chunk.usage)
                if not chunk.choices:
                    continue
                choice = chunk.choices[0]
                finish_reason = choice.finish_reason or finish_reason
                # Control characters (a NUL above all) could not be stored; a model has
                # no business sending them, so they are dropped as they stream.
                delta = printable(choice.delta.content or "")
                if delta:
                    parts.append(delta)
                    await on_token(delta)
        return StreamedText("".join(parts), finish_reason)

    async def stream_text(
        self,
        task: str,
        model: str,
        messages: Sequence[ChatMessage],
        temperature: float,
        on_token: TokenSink,
    ) -> Result[StreamedText]:
        usage: list[Usage] = []
        forwarded = False

        async def forward(token: str) -> None:
            nonlocal forwarded
            forwarded = True
            await on_token(token)

        async def attempt() -> StreamedText:
            return await self._streamed(model, messages, temperature, usage, forward)

        # Once tokens reached the listener a retry would repeat them, so it is not tried.
        text = await self._with_retries(task, model, attempt, usage, lambda: not forwarded)
        return Result(text, tuple(usage))

    async def _with_retries(
        self,
        task: str,
        model: str,
        attempt: Callable[[], Awaitable[R]],
        usage: list[Usage],
        may_retry: Callable[[], bool] = lambda: True,
    ) -> R:
        retries = 0
        phase = metrics.phase_of(task)
        while True:
            failure: openai.APIError
            try:
                with metrics.AI_CALL_SECONDS.labels(model, phase).time():
                    return await attempt()
            except openai.APIStatusError as error:
                if not is_retryable_status(error):
                    metrics.AI_ERRORS.labels(phase, "refused").inc()
                    raise ProviderError(
                        f"{task}: the AI provider refused the call: {describe_status_error(error)}",
                        tuple(usage),
                    ) from error
                failure, retry_after = error, retry_after_seconds(error.response.headers)
            except openai.APIConnectionError as error:  # timeouts included
                failure, retry_after = error, None
            except openai.APIError as error:  # e.g. an error event inside a stream
                metrics.AI_ERRORS.labels(phase, "broken_stream").inc()
                raise ProviderError(
                    f"{task}: the AI provider failed: {error.message}", tuple(usage)
                ) from error
            if not may_retry():
                metrics.AI_ERRORS.labels(phase, "broken_stream").inc()
                raise ProviderError(
                    f"{task}: the answer broke off after part of it was streamed: "
                    f"{_describe(failure)}",
                    tuple(usage),
                ) from failure
            if retries >= self._max_retries:
                metrics.AI_ERRORS.labels(phase, "unavailable").inc()
                raise ProviderError(
                    f"{task}: the AI provider failed after {retries + 1} attempt(s): "
                    f"{_describe(failure)}",
                    tuple(usage),
                ) from failure
            metrics.AI_RETRIES.labels(phase).inc()
            await asyncio.sleep(self._backoff.delay(retries, retry_after))
            retries += 1


def _describe(error: openai.APIError) -> str:
    if isinstance(error, openai.APIStatusError):
        return describe_status_error(error)
    return f"{type(error).__name__}: {error.message}"


def _record(usage: list[Usage], model: str, reported: CompletionUsage | None) -> None:
    # Priced by the model we asked for: servers report dated snapshot names
    # ("gpt-4o-mini-2024-07-18") that a price table does not list.
    if reported is not None:
        usage.append(Usage(model, reported.prompt_tokens, reported.completion_tokens))


def _final_reason(task: str, schema: type[BaseModel], error: ValidationError, reason: str) -> str:
    if any(item["type"] == "json_invalid" for item in error.errors()):
        return f"{task}: the model's answer was not valid JSON after one repair attempt: {reason}"
    return (
        f"{task}: the model's answer did not match the {schema.__name__} schema after one "
        f"repair attempt: {reason}"
    )
