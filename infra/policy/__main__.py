"""The policy pack: `pulumi preview --policy-pack infra/policy` (or `up`) runs every rule
as mandatory. The rules themselves are plain functions in rules.py."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # `infra` as a package

from pulumi_policy import EnforcementLevel, PolicyPack

from infra.policy.pack import policies

PolicyPack(
    name="courzly-mandatory",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=policies(),  # type: ignore[arg-type]
)
