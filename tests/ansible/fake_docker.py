"""A stand-in for `docker compose` in the deploy tests (this machine has no Docker engine).

It understands what the app role runs (pull, run --rm migrate, up) and keeps the "running"
release in FAKE_DOCKER_STATE: `up` writes the images it was given to running.env, and the
test's health server answers for that release. Images whose digest starts with `dead` come
up unhealthy; an api image whose digest starts with `bad0` fails its migration. Every call
is appended to calls.log, so the tests see the order of pulls, migrations and starts."""

from __future__ import annotations

import itertools
import os
import sys
from pathlib import Path


def _environment(args: list[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for flag, value in itertools.pairwise(args):
        if flag == "--env-file":
            for line in Path(value).read_text().splitlines():
                if "=" in line and not line.startswith("#"):
                    key, _, setting = line.partition("=")
                    values[key] = setting
    return values


def main(args: list[str]) -> int:
    state = Path(os.environ["FAKE_DOCKER_STATE"])
    with (state / "calls.log").open("a") as calls:
        calls.write(" ".join(args) + "\n")
    if args[:1] != ["compose"]:
        print(f"fake docker: only `docker compose` is understood, not {args}", file=sys.stderr)
        return 2
    release = _environment(args)
    image = release.get("COURZLY_API_IMAGE", "")
    command = [arg for arg in args if not arg.startswith("-")]
    if "run" in command and "migrate" in command:
        if "@sha256:bad0" in image:
            print("alembic: migration 0042 failed: column already exists", file=sys.stderr)
            return 1
        migrated = state / "migrated-by"
        if not migrated.exists() or migrated.read_text() != image:  # alembic, once per schema
            migrated.write_text(image)
            print("Running upgrade 0041 -> 0042")
        return 0
    if "up" in command:
        running = state / "running.env"
        wanted = f"{image}\n{release.get('COURZLY_WEB_IMAGE', '')}\n"
        if not running.exists() or running.read_text() != wanted:
            running.write_text(wanted)
            print(" Container courzly-api-1  Recreated", file=sys.stderr)
        return 0
    return 0  # pull and anything else: nothing to do here


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
