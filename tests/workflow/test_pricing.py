"""Prices, the cost of recorded usage, and the estimate shown before a run starts."""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from typing import Any

import pytest
from pydantic import SecretStr

from app.config import DEFAULT_AI_PRICES, Settings
from app.workflow.providers.base import Phase, Usage
from app.workflow.providers.pricing import CostEstimate, PriceTable, cost_usd, estimate_run
from tests.workflow.briefs import make_brief

PRICES = '{"model-a": [0.15, 0.6], "model-b": [2.5, 10]}'


def settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "OPENAI_API_KEY": SecretStr("sk-test"),
        "AI_PRICES": PRICES,
        "OPENAI_MODEL_OUTLINE": "model-b",
        "OPENAI_MODEL_LESSON": "model-a",
        "OPENAI_MODEL_QUIZ": "model-a",
        "OPENAI_MODEL_CHAT": "model-a",
    }
    return Settings.model_validate(values | overrides)


def test_default_prices_parse() -> None:
    table = PriceTable.parse(DEFAULT_AI_PRICES)
    assert table.is_priced("gpt-4o-mini")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{not json", "AI_PRICES is not valid JSON"),
        ('["model-a", 1, 2]', "AI_PRICES must be a JSON object"),
        ('{"m": [1]}', "AI_PRICES['m'] must be [usd_per_1M_prompt_tokens"),
        ('{"m": [1, 2, 3]}', "AI_PRICES['m'] must be"),
        ('{"m": {"prompt": 1}}', "AI_PRICES['m'] must be"),
        ('{"m": [-1, 2]}', "AI_PRICES['m'] must be"),
        ('{"m": ["1", 2]}', "AI_PRICES['m'] must be"),
        ('{"m": [true, 2]}', "AI_PRICES['m'] must be"),
    ],
)
def test_bad_price_tables_name_the_variable(raw: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("[", r"\[")):
        PriceTable.parse(raw)


def test_cost_is_exact_per_million_tokens() -> None:
    table = PriceTable.parse(PRICES)
    assert cost_usd(Usage("model-a", 1_000_000, 0), table) == Decimal("0.15")
    assert cost_usd(Usage("model-b", 1_000, 2_000), table) == Decimal("0.0225")
    assert cost_usd(Usage("model-a", 0, 0), table) == 0


def test_dated_snapshots_use_the_base_price_but_other_models_do_not() -> None:
    table = PriceTable.parse(PRICES)
    assert table.cost_usd(Usage("model-a-2024-07-18", 1_000_000, 0)) == Decimal("0.15")
    assert table.cost_usd(Usage("model-a-0613", 1_000_000, 0)) == Decimal("0.15")
    assert not table.is_priced("model-a-large")


def test_unknown_models_cost_nothing_and_are_flagged(caplog: pytest.LogCaptureFixture) -> None:
    table = PriceTable.parse(PRICES)
    with caplog.at_level(logging.WARNING, logger="courzly.workflow"):
        assert table.cost_usd(Usage("mystery", 500, 500)) == 0
        assert table.cost_usd(Usage("mystery", 500, 500)) == 0
    assert not table.is_priced("mystery")
    warning = "no price for model 'mystery' in AI_PRICES; its calls count as $0"
    assert [r.getMessage() for r in caplog.records].count(warning) == 1  # once per model


def test_offline_estimate_is_zero_and_flagged() -> None:
    estimate = estimate_run(make_brief(), settings(OPENAI_API_KEY=None))
    assert estimate.offline is True
    assert (estimate.calls, estimate.prompt_tokens, estimate.usd) == (0, 0, Decimal(0))
    assert estimate.phases == []


def test_estimate_counts_calls_per_phase_and_adds_up() -> None:
    brief = make_brief(modules=3, lessons_per_module=4)

    estimate = estimate_run(brief, settings())

    assert estimate.offline is False
    assert [(p.phase, p.model, p.calls) for p in estimate.phases] == [
        (Phase.OUTLINE, "model-b", 1),
        (Phase.LESSON, "model-a", 12),
        (Phase.QUIZ, "model-a", 3),
    ]
    assert estimate.calls == 16
    assert estimate.usd == sum((p.usd for p in estimate.phases), Decimal(0))
    assert estimate.usd > 0
    assert estimate.prompt_tokens == sum(p.prompt_tokens for p in estimate.phases)
    assert all(
        p.priced and p.prompt_tokens > 0 and p.completion_tokens > 0 for p in estimate.phases
    )
    assert estimate.unpriced_models == []


def test_estimate_grows_with_the_course_and_its_source_material() -> None:
    small = estimate_run(make_brief(modules=1, lessons_per_module=1), settings())
    large = estimate_run(make_brief(modules=6, lessons_per_module=5), settings())
    sourced = estimate_run(
        make_brief(modules=1, lessons_per_module=1, source_material="word " * 2000), settings()
    )
    assert large.usd > small.usd
    assert large.completion_tokens > small.completion_tokens
    assert sourced.prompt_tokens > small.prompt_tokens + 2 * 2000  # outline and lesson prompts


def test_estimate_flags_models_without_a_price() -> None:
    estimate = estimate_run(make_brief(), settings(OPENAI_MODEL_LESSON="local-llama"))
    lesson = next(p for p in estimate.phases if p.phase is Phase.LESSON)
    assert (lesson.priced, lesson.usd) == (False, Decimal(0))
    assert estimate.unpriced_models == ["local-llama"]


def test_estimate_is_a_json_api_response() -> None:
    estimate = estimate_run(make_brief(), settings())
    data = json.loads(estimate.model_dump_json())
    assert set(data) == {
        "offline",
        "calls",
        "prompt_tokens",
        "completion_tokens",
        "usd",
        "phases",
        "unpriced_models",
        "note",
    }
    assert CostEstimate.model_validate(data) == estimate
