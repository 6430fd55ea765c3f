"""A Debian 12 chroot for the converge test, and commands run inside it.

The base system comes from debootstrap once and is kept as a tarball in the cache
(COURZLY_CHROOT_CACHE, /var/cache/courzly-tests by default); every test unpacks a fresh
copy. Apt and pip inside it use this machine's own package sources, read at run time (the
project names none). Everything that needs /proc, /dev or the package caches runs in a
private mount namespace, so no mount outlives the command; no service starts (policy-rc.d)
and nothing touches this machine's kernel settings or firewall."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

from tests.monitoring.tools import tool_path

CACHE = Path(os.environ.get("COURZLY_CHROOT_CACHE", "/var/cache/courzly-tests"))
SUITE = "bookworm"
BASE_PACKAGES = "python3,ca-certificates"


def _debian_mirror() -> str:
    """The Debian archive this machine installs from (its apt sources)."""
    sources = Path("/etc/apt/sources.list.d").glob("*.sources")
    for path in [*sources, Path("/etc/apt/sources.list")]:
        if not path.exists():
            continue
        text = path.read_text()
        for uris, suites in re.findall(r"^URIs:\s*(\S+)\s*\nSuites:\s*([^\n]+)", text, re.M):
            if SUITE in suites.split() and not uris.rstrip("/").endswith("-security"):
                return str(uris)
        for uri in re.findall(rf"^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+{SUITE}\s", text, re.M):
            return str(uri)
    raise AssertionError("this machine has no apt source for Debian 12 to build a chroot from")


def base_tarball() -> Path:
    """debootstrap's Debian 12, made once and kept."""
    tarball = CACHE / f"debian-{SUITE}-minbase.tar"
    if tarball.exists():
        return tarball
    CACHE.mkdir(parents=True, exist_ok=True)
    building = CACHE / "building"
    shutil.rmtree(building, ignore_errors=True)
    command = [tool_path("debootstrap"), "--variant=minbase", f"--include={BASE_PACKAGES}"]
    command += [SUITE, str(building), _debian_mirror()]
    made = subprocess.run(command, capture_output=True, text=True, timeout=1800, check=False)
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    partial = tarball.with_suffix(".partial")
    subprocess.run([tool_path("tar"), "-C", str(building), "-cf", str(partial), "."], check=True)
    partial.rename(tarball)
    shutil.rmtree(building)
    return tarball


@cache  # the machine's configuration does not change during a run; read it once
def _package_source_paths() -> list[Path]:
    """Files and folders this machine's pip configuration names (certificates, local wheel
    folders, constraints), which the chroot must see at the same paths."""
    listed = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=False
    ).stdout + "\n".join(f"{k}={v}" for k, v in os.environ.items() if k.startswith("PIP_"))
    paths = set()
    for value in re.findall(r"=\s*'?([^'\n]+)'?", listed):
        for token in value.split():
            candidate = Path(token.removeprefix("file://"))
            if candidate.is_absolute() and candidate.exists():
                # A local index (…/simple) links to its files beside it: the whole index.
                paths.add(candidate.parent if candidate.name == "simple" else candidate)
    for config in ("/etc/pip.conf", "/etc/xdg/pip", str(Path.home() / ".config/pip")):
        if Path(config).exists():
            paths.add(Path(config))
    return sorted(paths)


def unpack(root: Path) -> Path:
    """A fresh chroot at `root`, ready for apt: this machine's sources, DNS, no services."""
    root.mkdir(parents=True)
    subprocess.run([tool_path("tar"), "-C", str(root), "-xf", str(base_tarball())], check=True)
    etc = root / "etc"
    for source in Path("/etc/apt/sources.list.d").iterdir():
        if source.suffix in {".sources", ".list"}:
            shutil.copy(source, etc / "apt/sources.list.d" / source.name)
    (etc / "apt/sources.list").unlink(missing_ok=True)
    for setting in Path("/etc/apt/apt.conf.d").iterdir():
        shutil.copy(setting, etc / "apt/apt.conf.d" / setting.name)
    shutil.copy("/etc/resolv.conf", etc / "resolv.conf")
    policy = root / "usr/sbin/policy-rc.d"
    policy.write_text(
        "#!/bin/sh\n# The converge test: no service starts in this chroot.\nexit 101\n"
    )
    policy.chmod(0o755)
    return root


def mounts(root: Path) -> str:
    """Shell commands mounting what the chroot needs, inside the caller's mount namespace."""
    archives = CACHE / "apt-archives"
    pip_cache = CACHE / "pip-cache"
    for folder in (archives / "partial", pip_cache):
        folder.mkdir(parents=True, exist_ok=True)
    binds = [(Path("/dev"), root / "dev"), (archives, root / "var/cache/apt/archives"),
             (pip_cache, root / "root/.cache/pip")]  # fmt: skip
    binds += [(path, root / path.relative_to("/")) for path in _package_source_paths()]
    lines = [f"mount -t proc proc {shlex.quote(str(root / 'proc'))}"]
    for source, target in binds:
        quoted = shlex.quote(str(target))
        if source.is_dir():
            lines.append(f"mkdir -p {quoted}")
        else:
            lines.append(f"mkdir -p {shlex.quote(str(target.parent))} && touch {quoted}")
        lines.append(f"mount --bind {shlex.quote(str(source))} {quoted}")
    return " && ".join(lines)


def run_with_mounts(
    root: Path,
    command: list[str],
    *,
    network: bool = True,
    timeout: float = 1800,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`command` (on this machine) while the chroot has its mounts: a private mount
    namespace, and a private network namespace too when `network` is off."""
    script = f"{mounts(root)} && exec {shlex.join(command)}"
    unshare = ["unshare", "--mount", "--propagation", "private"] + ([] if network else ["--net"])
    return subprocess.run(
        [*unshare, "sh", "-c", script], capture_output=True, text=True, timeout=timeout,
        check=False, env=env,
    )  # fmt: skip


def inside(root: Path, *command: str, network: bool = True) -> subprocess.CompletedProcess[str]:
    """`command` inside the chroot."""
    return run_with_mounts(root, ["chroot", str(root), *command], network=network, timeout=300)
