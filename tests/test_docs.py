"""The README documents every setting the app reads."""

from __future__ import annotations

from app.backups.config import BackupSettings
from app.config import Settings
from app.migrate import ROOT
from app.monitoring.config import MonitoringSettings


def test_readme_lists_every_environment_variable() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = {line.split("`")[1] for line in readme.splitlines() if line.startswith("| `")}
    fields = [
        *Settings.model_fields.values(),
        *MonitoringSettings.model_fields.values(),
        *BackupSettings.model_fields.values(),
    ]
    aliases = {field.alias for field in fields}
    assert aliases - documented == set()
