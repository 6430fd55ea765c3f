"""The drill's report for auditors: one JSON file (for tools) and one Markdown file (for
people) per drill, named by its start time, in backups/reports/ by default."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from app.backups.drill import DrillReport

RPO_OBJECTIVE_SECONDS = 5 * 60
RTO_OBJECTIVE_SECONDS = 30 * 60


def report_document(report: DrillReport) -> dict[str, object]:
    return {
        **asdict(report),
        "passed": report.passed,
        "lost_rows": report.lost_rows,
        "objectives": {
            "rpo_seconds": RPO_OBJECTIVE_SECONDS,
            "rto_seconds": RTO_OBJECTIVE_SECONDS,
            "rpo_met": report.rpo_seconds <= RPO_OBJECTIVE_SECONDS,
            "rto_met": report.rto_seconds <= RTO_OBJECTIVE_SECONDS,
        },
    }


def _markdown(report: DrillReport, document: dict[str, object]) -> str:
    mark = {True: "pass", False: "FAIL"}
    objectives = document["objectives"]
    assert isinstance(objectives, dict)
    backup = report.backup_set
    lines = [
        f"# Restore drill of {report.started_at}",
        "",
        f"Result: **{'passed' if report.passed else 'FAILED'}**",
        "",
        "## Figures",
        "",
        "| measure | value | objective | met |",
        "|---|---|---|---|",
        f"| RTO (start to verified) | {report.rto_seconds:.1f} s | {RTO_OBJECTIVE_SECONDS} s"
        f" | {objectives['rto_met']} |",
        f"| RPO (what a disaster at the target loses) | {report.rpo_seconds:.1f} s"
        f" | {RPO_OBJECTIVE_SECONDS} s | {objectives['rpo_met']} |",
        f"| WAL not yet archived at the target | {report.unarchived_wal_bytes:,} bytes | | |",
        f"| Rows lost up to the target | {report.lost_rows} | 0 | {report.lost_rows == 0} |",
        f"| Restored data directory | {report.restored_bytes:,} bytes | | |",
        "",
        "## What was restored",
        "",
        f"- Target: {report.target_time} (restore point `{report.restore_point}`)",
        f"- Backup set: {backup.get('label')} ({backup.get('type')}),"
        f" finished {backup.get('stopped_at')}, WAL {backup.get('wal_start')} to"
        f" {backup.get('wal_stop')}",
        "",
        "## Checks",
        "",
        "| check | result | detail |",
        "|---|---|---|",
        *[f"| {c.name} | {mark[c.passed]} | {c.detail} |" for c in report.checks],
        "",
        "## Tables (source at the target time against the restored copy)",
        "",
        "| table | source rows | restored rows | checksum |",
        "|---|---|---|---|",
        *[
            f"| {t.table} | {t.source_rows} | {t.restored_rows}"
            f" | {'match' if t.checksum_matches else 'DIFFERS'} |"
            for t in report.tables
        ],
        "",
        "## Tool versions",
        "",
        *[f"- {name}: {value}" for name, value in report.versions.items()],
        "",
    ]
    return "\n".join(lines)


def write_report(report: DrillReport, directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    stem = report.started_at.replace(":", "").replace("+0000", "Z").split(".")[0]
    json_path, markdown_path = directory / f"{stem}.json", directory / f"{stem}.md"
    document = report_document(report)
    json_path.write_text(json.dumps(document, indent=2, default=str) + "\n")
    markdown_path.write_text(_markdown(report, document))
    return json_path, markdown_path
