"""Backups: their outcomes as metrics (and, with the backup tooling, the jobs themselves)."""
