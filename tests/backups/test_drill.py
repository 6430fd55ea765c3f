"""The restore drill end to end on a seeded Courzly database: migrated to head, users,
courses, modules, lessons with revisions and workflow events, a full backup, more writes
after it; then `courzly backup drill` restores to now into a throwaway PostgreSQL 15 and
proves it. The report shows zero lost rows and an RPO within 5 minutes."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path
from types import SimpleNamespace

from typer.testing import CliRunner

from app.backups.pgbackrest import PgBackRest
from app.backups.report import RPO_OBJECTIVE_SECONDS
from app.backups.service import take_backup
from app.cli import cli
from app.config import Settings
from app.core.db import create_engine, session_factory
from app.core.permissions import Role
from app.migrate import upgrade
from app.realtime.models import WorkflowEvent
from tests.backups.harness import Cluster
from tests.factories import Factory

COURSES = 3


def _dsn(cluster: Cluster) -> str:
    settings = cluster.settings
    return f"postgresql://postgres@/postgres?host={settings.pg_socket_dir}&port={settings.pg_port}"


async def _seed(dsn: str, settings: Settings, courses: int) -> None:
    engine = create_engine(dsn, pool_size=2)
    factory = Factory(
        SimpleNamespace(state=SimpleNamespace(sessions=session_factory(engine), settings=settings))
    )
    try:
        for number in range(courses):
            owner = await factory.user(Role.EDITOR)
            course = await factory.course(owner, f"Course {number}")
            await factory.lesson(course, owner)
            async with factory.sessions() as session:
                for seq in range(1, 6):
                    session.add(
                        WorkflowEvent(
                            course_id=course.id, seq=seq, type="run.progress", payload={"n": seq}
                        )
                    )
                await session.commit()
    finally:
        await engine.dispose()


def _environment(engine: PgBackRest) -> dict[str, str]:
    settings = engine.settings
    found = {}
    for name, field in type(settings).model_fields.items():
        value = getattr(settings, name)
        if field.alias and value is not None:
            found[field.alias] = str(
                value.get_secret_value() if hasattr(value, "get_secret_value") else value
            )
    return {**found, "PATH": os.environ["PATH"]}


def test_the_drill_restores_a_seeded_database_and_proves_it(
    cluster: Cluster, engine: PgBackRest, settings: Settings, tmp_path: Path
) -> None:
    dsn = _dsn(cluster)
    upgrade(dsn)
    asyncio.run(_seed(dsn, settings, COURSES))
    take_backup(engine, "full")
    asyncio.run(_seed(dsn, settings, COURSES))  # written after the backup: only WAL has them

    # `make drill` keeps its report in backups/reports/; the test suite in its tmp dir.
    reports = Path(os.environ.get("COURZLY_DRILL_REPORTS") or tmp_path / "reports")
    drilled = CliRunner().invoke(
        cli,
        ["backup", "drill", "--source", dsn, "--reports-dir", str(reports), "--json"],
        env=_environment(engine),
    )
    assert drilled.exit_code == 0, drilled.output
    report = json.loads(drilled.stdout)
    assert report["passed"] is True, report["checks"]
    assert report["lost_rows"] == 0
    tables = {t["table"]: t for t in report["tables"]}
    assert tables["public.courses"]["restored_rows"] == 2 * COURSES
    assert tables["public.workflow_events"]["restored_rows"] == 2 * COURSES * 5
    assert tables["public.lesson_revisions"]["restored_rows"] >= 2 * COURSES
    assert all(t["checksum_matches"] for t in report["tables"])
    checks = {c["name"]: c for c in report["checks"]}
    assert set(checks) == {"tables_match_source", "amcheck", "alembic_at_head", "application_query"}
    assert report["rpo_seconds"] <= RPO_OBJECTIVE_SECONDS
    assert 0 < report["rto_seconds"] < 30 * 60
    assert report["versions"]["pgbackrest"].startswith("pgBackRest 2.")
    markdown = Path(report["report"]["markdown"]).read_text()
    assert "Result: **passed**" in markdown
    assert "| public.courses |" in markdown
    assert Path(report["report"]["json"]).is_file()
    assert cluster.psql("SELECT count(*) FROM courses") == str(2 * COURSES)  # source untouched
