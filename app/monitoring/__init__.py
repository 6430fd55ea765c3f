"""The parts of the monitoring stack that depend on an installation's settings."""
