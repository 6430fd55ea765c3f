"""The backend image, checked as far as it can be without a Docker engine: hadolint, its
shape (stages, user, entrypoint, labels, volume), its build context, and apt pins that are
real Debian 12 versions. Its command, `courzly serve`, is run in tests/test_cli.py."""

from __future__ import annotations

import fnmatch
import re
import subprocess

from app.migrate import ROOT
from tests.hadolint import assert_hadolint_clean

DOCKERFILE = ROOT / "Dockerfile"


def _stages() -> list[str]:
    return re.split(r"^(?=FROM )", DOCKERFILE.read_text(), flags=re.MULTILINE)[1:]


def test_the_dockerfile_passes_hadolint_with_no_rule_ignored() -> None:
    assert_hadolint_clean(DOCKERFILE)


def test_two_stages_on_a_pinned_slim_bookworm_and_no_compilers_at_run_time() -> None:
    build, final = _stages()
    for stage in (build, final):
        assert re.match(r"FROM python:3\.11\.\d+-slim-bookworm\b", stage), stage.splitlines()[0]
    assert not re.search(r"build-essential|\bgcc\b|\bg\+\+|-dev\b", final)


def test_it_runs_unprivileged_writes_only_to_its_volume_and_stops_on_sigterm() -> None:
    final = _stages()[1]
    user = re.search(r"^USER (\S+)$", final, re.MULTILINE)
    assert user is not None
    assert user.group(1).isdigit()
    assert user.group(1) != "0"
    assert 'VOLUME ["/data"]' in final
    assert "COURZLY_DATA_DIR=/data" in final
    assert "PYTHONDONTWRITEBYTECODE=1" in final  # no .pyc written beside the code
    assert re.search(r'^ENTRYPOINT \["courzly"\]$', final, re.MULTILINE)  # exec form
    assert re.search(r'^CMD \["serve", "--host", "0\.0\.0\.0"', final, re.MULTILINE)
    assert re.search(r"^HEALTHCHECK .*\n\s+CMD \[", final, re.MULTILINE)
    for label in ("source", "revision", "version"):
        assert f"org.opencontainers.image.{label}=" in final


def test_apt_pins_are_real_debian_12_versions() -> None:
    """The pins are this Debian 12's own versions: a Debian update that replaces one fails
    here first, not in the image build."""
    install = DOCKERFILE.read_text().split("apt-get install", 1)[1].split("&&", 1)[0]
    pins = dict(re.findall(r"([a-z0-9.+-]+)=(\S+)", install))
    assert set(pins) == {"libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core"}
    installed = subprocess.run(
        ["/usr/bin/dpkg-query", "-W", "-f", "${Package} ${Version}\\n", *pins],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert dict(line.split(" ", 1) for line in installed.splitlines()) == pins


def test_the_build_context_keeps_secrets_out_and_what_the_image_copies_in() -> None:
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert {".env", ".env.*", ".git", ".venv", "node_modules", "*.pem", "*.key"} <= set(ignored)
    copied = re.findall(r"^COPY (?!--from)(.+) \S+$", DOCKERFILE.read_text(), re.MULTILINE)
    sources = [s for line in copied for s in line.split()]
    assert "app" in sources
    assert "migrations" in sources
    for source in sources:
        assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), source
        assert (ROOT / source).exists(), source
