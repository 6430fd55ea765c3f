"""The rules as pulumi-policy policies, all mandatory (built here, served by __main__.py)."""

from __future__ import annotations

from pulumi_policy import (
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from infra.policy.rules import RESOURCE_RULES, STACK_RULES, Declared


def _resource_policy(name: str) -> ResourceValidationPolicy:
    rule = RESOURCE_RULES[name]

    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        for problem in rule(args.resource_type, args.props):
            report(problem, None)

    return ResourceValidationPolicy(name=name, description=rule.__doc__ or name, validate=validate)


def _stack_policy(name: str) -> StackValidationPolicy:
    rule = STACK_RULES[name]

    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        declared = [Declared(r.resource_type, r.name, r.props) for r in args.resources]
        for problem in rule(declared):
            report(problem, None)

    return StackValidationPolicy(name=name, description=rule.__doc__ or name, validate=validate)


def policies() -> list[ResourceValidationPolicy | StackValidationPolicy]:
    return [
        *(_resource_policy(name) for name in RESOURCE_RULES),
        *(_stack_policy(name) for name in STACK_RULES),
    ]
