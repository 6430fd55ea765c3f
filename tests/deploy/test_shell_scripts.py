"""Every shell script in the repository passes shellcheck (the real one, from Debian)."""

from __future__ import annotations

import shutil
import subprocess

from app.migrate import ROOT


def test_every_shell_script_passes_shellcheck() -> None:
    shellcheck = shutil.which("shellcheck")
    assert shellcheck, "shellcheck is missing: `make test` installs it (scripts/ensure-packages.sh)"
    git = shutil.which("git")
    assert git
    listed = subprocess.run(
        [git, "ls-files", "*.sh"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    scripts = listed.stdout.split()
    assert "backups/postgres/archive-wal.sh" in scripts
    checked = subprocess.run(
        [shellcheck, "--severity=style", *scripts],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
