"""How a route declares who may call it; the permission matrix test and docs read these marks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import iter_route_contexts

from app.core.permissions import Permission

Scope = Literal["public", "user", "global", "course"]


@dataclass(frozen=True)
class AccessRule:
    scope: Scope
    permission: Permission | None = None
    include_deleted: bool = False


def mark(rule: AccessRule) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(dependency: Callable[..., Any]) -> Callable[..., Any]:
        dependency.access_rule = rule  # type: ignore[attr-defined]
        return dependency

    return decorate


def _rules(dependant: Dependant) -> list[AccessRule]:
    found = []
    rule = getattr(dependant.call, "access_rule", None)
    if isinstance(rule, AccessRule):
        found.append(rule)
    for child in dependant.dependencies:
        found.extend(_rules(child))
    return found


@dataclass(frozen=True)
class ApiOperation:
    method: str
    path: str
    access: AccessRule | None


def api_operations(app: FastAPI) -> list[ApiOperation]:
    """Every method and path the app serves, with its declared access rule, sorted."""
    found = []
    for context in iter_route_contexts(app.routes):
        dependant = getattr(context, "dependant", None)
        if not isinstance(dependant, Dependant) or context.path is None:
            continue  # the docs and OpenAPI routes FastAPI adds itself
        rules = set(_rules(dependant))
        if len(rules) > 1:
            raise ValueError(f"{context.path} declares several access rules: {rules}")
        for method in context.methods or ():
            found.append(ApiOperation(method, context.path, next(iter(rules), None)))
    return sorted(found, key=lambda op: (op.path, op.method))
