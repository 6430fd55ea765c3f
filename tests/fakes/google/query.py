"""Drive's `q` search language, as far as Courzly writes it. Unsupported syntax is an
error rather than a silent match-all, so a malformed query fails the test that sent it."""

from __future__ import annotations

import re
from collections.abc import Callable

from tests.fakes.google.state import FakeFile

_TOKEN = re.compile(r"\s*(?:(?P<string>'(?:[^'\\]|\\.)*')|(?P<op>!=|=)|(?P<word>[A-Za-z]+))")


def parse_query(q: str) -> Callable[[FakeFile], bool]:
    """Drive's `q` for the clauses Courzly writes, joined by `and`: `name contains 'x'`,
    `name = 'x'`, `mimeType = '...'`, `mimeType != '...'`, `trashed = true|false`,
    `'id' in parents`. Anything else (an unescaped quote included) raises ValueError."""
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(q.rstrip()):
        match = _TOKEN.match(q, position)
        if not match:
            raise ValueError(f"cannot read the query at {position}")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
    clauses: list[Callable[[FakeFile], bool]] = []
    for start in range(0, len(tokens), 4):
        clause = tokens[start : start + 3]
        if start + 3 < len(tokens) and tokens[start + 3] != ("word", "and"):
            raise ValueError("only `and` joins clauses here")
        clauses.append(_clause(clause))
    if not clauses or len(tokens) % 4 != 3:
        raise ValueError("incomplete query")
    return lambda file: all(check(file) for check in clauses)


def _literal(token: tuple[str, str]) -> str:
    if token[0] != "string":
        raise ValueError(f"expected a quoted string, got {token[1]!r}")
    return re.sub(r"\\(.)", r"\1", token[1][1:-1])


def _clause(tokens: list[tuple[str, str]]) -> Callable[[FakeFile], bool]:
    if len(tokens) != 3:
        raise ValueError("incomplete clause")
    (_, left), (_, op), right = tokens
    if tokens[0][0] == "string" and tokens[1:] == [("word", "in"), ("word", "parents")]:
        parent = _literal(tokens[0])
        return lambda file: parent in file.parents
    if left == "trashed" and op in {"=", "!="} and right[1] in {"true", "false"}:
        wanted = (right[1] == "true") == (op == "=")
        return lambda file: file.trashed == wanted
    if left in {"name", "mimeType"} and op in {"=", "!=", "contains"}:
        value = _literal(right)

        def matches(file: FakeFile) -> bool:
            actual = file.name if left == "name" else file.mime_type
            if op == "contains":
                return value.lower() in actual.lower()
            return (actual == value) == (op == "=")

        return matches
    raise ValueError(f"unsupported clause {left} {op} {right[1]}")
