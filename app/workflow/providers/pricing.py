"""What model calls cost: the AI_PRICES table, the cost of recorded usage, and an estimate
of a whole run before it starts."""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from pydantic import BaseModel

from app.config import Settings
from app.workflow import prompts
from app.workflow.prompts import ChatMessage
from app.workflow.providers.base import Phase, Usage, model_for
from app.workflow.providers.offline_drafts import outline_draft
from app.workflow.schemas import Brief, Outline

log = logging.getLogger("courzly.workflow")

PER_MILLION = Decimal(1_000_000)
USD_PLACES = Decimal("0.000001")
CHARS_PER_TOKEN = 4  # English average; no tokenizer dependency for an estimate
TOKENS_PER_WORD = 1.4
MESSAGE_OVERHEAD_TOKENS = 4
OUTLINE_TOKENS_PER_MODULE = 60
OUTLINE_TOKENS_PER_LESSON = 90
QUIZ_TOKENS_PER_ITEM = 120
MAX_QUIZ_ITEMS = 30
# Snapshot names ("gpt-4o-mini-2024-07-18", "gpt-4-0613") are priced as their base model.
_SNAPSHOT_SUFFIX = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{4})$")


@dataclass(frozen=True)
class Price:
    prompt_per_million: Decimal
    completion_per_million: Decimal


class PriceTable:
    def __init__(self, prices: Mapping[str, Price]) -> None:
        self._prices = dict(prices)
        self._warned: set[str] = set()

    @classmethod
    def parse(cls, raw: str) -> PriceTable:
        """Reads `{"model": [usd_per_1M_prompt, usd_per_1M_completion]}`."""
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            raise ValueError(f"AI_PRICES is not valid JSON: {error}") from error
        if not isinstance(data, dict):
            raise ValueError('AI_PRICES must be a JSON object like {"gpt-4o-mini": [0.15, 0.6]}')
        prices: dict[str, Price] = {}
        for model, pair in data.items():
            if not (
                isinstance(pair, list)
                and len(pair) == 2
                and all(_is_amount(value) for value in pair)
            ):
                raise ValueError(
                    f"AI_PRICES[{model!r}] must be [usd_per_1M_prompt_tokens, "
                    f"usd_per_1M_completion_tokens], two non-negative numbers; got {pair!r}"
                )
            prices[model] = Price(Decimal(str(pair[0])), Decimal(str(pair[1])))
        return cls(prices)

    def price_for(self, model: str) -> Price | None:
        return self._prices.get(model) or self._prices.get(_SNAPSHOT_SUFFIX.sub("", model))

    def is_priced(self, model: str) -> bool:
        return self.price_for(model) is not None

    def cost_usd(self, usage: Usage) -> Decimal:
        """Zero for a model missing from the table (check `is_priced` to flag it)."""
        price = self.price_for(usage.model)
        if price is None:
            if usage.model not in self._warned:
                self._warned.add(usage.model)
                log.warning(
                    "no price for model %r in AI_PRICES; its calls count as $0", usage.model
                )
            return Decimal(0)
        return (
            usage.prompt_tokens * price.prompt_per_million
            + usage.completion_tokens * price.completion_per_million
        ) / PER_MILLION


def _is_amount(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value >= 0
    )


@lru_cache(maxsize=8)
def price_table(raw: str) -> PriceTable:
    return PriceTable.parse(raw)


def prices_for(settings: Settings) -> PriceTable:
    return price_table(settings.ai_prices)


def cost_usd(usage: Usage, prices: PriceTable) -> Decimal:
    return prices.cost_usd(usage)


class PhaseEstimate(BaseModel):
    phase: Phase
    model: str
    calls: int
    prompt_tokens: int
    completion_tokens: int
    usd: Decimal
    priced: bool  # False: the model is not in AI_PRICES and counts as $0


class CostEstimate(BaseModel):
    offline: bool
    calls: int
    prompt_tokens: int
    completion_tokens: int
    usd: Decimal
    phases: list[PhaseEstimate]
    unpriced_models: list[str]
    note: str = (
        "First drafts only: review rounds, repairs, retries and chat come on top. "
        "Tokens are estimated at about 4 characters each."
    )


def _tokens(messages: Sequence[ChatMessage]) -> int:
    chars = sum(len(message["content"]) for message in messages)
    return math.ceil(chars / CHARS_PER_TOKEN) + MESSAGE_OVERHEAD_TOKENS * len(messages)


def _phase_counts(brief: Brief) -> dict[Phase, tuple[int, int, int]]:
    """Calls, prompt tokens and completion tokens per phase, for first drafts."""
    outline = Outline.from_draft(outline_draft(brief, []))
    lessons = outline.lessons()
    _, words = prompts.lesson_length_hint(brief)
    lesson_tokens = math.ceil(words * TOKENS_PER_WORD)
    stand_in_text = "lorem " * words  # sizes the quiz prompt's excerpts
    quiz_prompt = sum(
        _tokens(
            prompts.quiz_messages(brief, m, {lesson.key: stand_in_text for lesson in m.lessons})
        )
        for m in outline.modules
    )
    quiz_items = sum(
        min(MAX_QUIZ_ITEMS, sum(len(lesson.objectives) for lesson in m.lessons))
        for m in outline.modules
    )
    return {
        Phase.OUTLINE: (
            1,
            _tokens(prompts.outline_messages(brief, [])),
            OUTLINE_TOKENS_PER_MODULE * len(outline.modules)
            + OUTLINE_TOKENS_PER_LESSON * len(lessons),
        ),
        Phase.LESSON: (
            len(lessons),
            sum(_tokens(prompts.lesson_messages(brief, outline, lesson, [])) for lesson in lessons),
            lesson_tokens * len(lessons),
        ),
        Phase.QUIZ: (len(outline.modules), quiz_prompt, QUIZ_TOKENS_PER_ITEM * quiz_items),
    }


def estimate_run(brief: Brief, settings: Settings) -> CostEstimate:
    if settings.openai_api_key is None:
        return CostEstimate(
            offline=True,
            calls=0,
            prompt_tokens=0,
            completion_tokens=0,
            usd=Decimal(0),
            phases=[],
            unpriced_models=[],
            note="Offline drafts: no AI provider is configured, so a run costs nothing.",
        )
    prices = prices_for(settings)
    phases: list[PhaseEstimate] = []
    for phase, (calls, prompt_tokens, completion_tokens) in _phase_counts(brief).items():
        model = model_for(settings, phase)
        usd = prices.cost_usd(Usage(model, prompt_tokens, completion_tokens))
        phases.append(
            PhaseEstimate(
                phase=phase,
                model=model,
                calls=calls,
                prompt_tokens=prompt_tokens,
                completion_tokens=completion_tokens,
                usd=usd.quantize(USD_PLACES),
                priced=prices.is_priced(model),
            )
        )
    return CostEstimate(
        offline=False,
        calls=sum(p.calls for p in phases),
        prompt_tokens=sum(p.prompt_tokens for p in phases),
        completion_tokens=sum(p.completion_tokens for p in phases),
        usd=sum((p.usd for p in phases), Decimal(0)),
        phases=phases,
        unpriced_models=sorted({p.model for p in phases if not p.priced}),
    )
