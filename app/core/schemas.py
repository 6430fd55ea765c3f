"""Shared schema building blocks: strict request models and safe text types."""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

# C0/C1 control characters other than tab and newlines, which PostgreSQL (NUL) or
# log readers (the rest) would choke on.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\r\n\t\u2028\u2029]")


def _clean(value: str, *, single_line: bool) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text contains an unpaired surrogate") from exc
    if _CONTROL.search(value):
        raise ValueError("text contains control characters")
    if single_line and _LINE_BREAKS.search(value):
        raise ValueError("text must be a single line")
    return unicodedata.normalize("NFC", value).strip()


def _single_line(value: str) -> str:
    return _clean(value, single_line=True)


def printable(text: str) -> str:
    """`text` without the control characters `storable` refuses (for text we did not write)."""
    return _CONTROL.sub("", text)


def storable(value: str) -> str:
    """Text kept exactly as given (lesson bodies, chat replies), but storable: no NUL or
    other control characters, no unpaired surrogates."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text contains an unpaired surrogate") from exc
    if _CONTROL.search(value):
        raise ValueError("text contains control characters")
    return value


def multi_line(value: str) -> str:
    return _clean(value, single_line=False)


def _visible(char: str) -> bool:
    # Spaces and format characters (zero-width space, BOM, joiners) show nothing.
    return not char.isspace() and unicodedata.category(char) != "Cf"


def _not_blank(value: str) -> str:
    if not any(_visible(char) for char in value):
        raise ValueError("must not be blank")
    return value


def _encodable(value: str) -> str:
    """Secrets are taken as typed, but must be valid Unicode to be hashed."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("text contains an unpaired surrogate") from exc
    return value


Name = Annotated[
    str,
    StringConstraints(max_length=200),
    AfterValidator(_single_line),
    AfterValidator(_not_blank),
]
ShortText = Annotated[str, StringConstraints(max_length=200), AfterValidator(_single_line)]
LongText = Annotated[str, StringConstraints(max_length=20_000), AfterValidator(multi_line)]
SearchText = Annotated[str, StringConstraints(max_length=100), AfterValidator(_single_line)]
EmailInput = Annotated[
    str, StringConstraints(min_length=3, max_length=254), AfterValidator(_single_line)
]

# Passwords are taken as typed (no trimming or normalising), bounded and valid Unicode.
NewPassword = Annotated[
    str, StringConstraints(min_length=12, max_length=256), AfterValidator(_encodable)
]
TypedPassword = Annotated[
    str, StringConstraints(min_length=1, max_length=256), AfterValidator(_encodable)
]


class RequestModel(BaseModel):
    """Request bodies: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class PatchModel(RequestModel):
    """Partial updates: a field may be left out, but null only where null means something."""

    nullable_fields: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: object, info: ValidationInfo) -> object:
        if value is None and info.field_name not in cls.nullable_fields:
            raise ValueError("leave the field out instead of sending null")
        return value


class ResponseModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def check_multiline_text(value: str) -> str:
    """Large text (lesson HTML): same character rules, no trimming or normalisation."""
    _clean(value, single_line=False)
    return value
