"""`pulumi up` runs this (Pulumi.yaml: `main: infra/`)."""

import sys
from pathlib import Path

# Pulumi runs this file as a script: make `infra` importable as a package, as in the tests.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from infra import config, program

program.declare(config.load())
