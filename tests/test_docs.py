"""The README documents every setting the app reads."""

from __future__ import annotations

from app.config import Settings
from app.migrate import ROOT


def test_readme_lists_every_environment_variable() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = {line.split("`")[1] for line in readme.splitlines() if line.startswith("| `")}
    aliases = {field.alias for field in Settings.model_fields.values()}
    assert aliases - documented == set()
