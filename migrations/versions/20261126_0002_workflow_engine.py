"""workflow engine: review gates, token ledger, quiz items, chat suggestions, workflow keys

LangGraph's checkpoint tables live in their own schema, `langgraph`, created here and
filled by the checkpointer's own migrations (app/migrate.py runs them after Alembic).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 17:06:38.714566
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE SCHEMA IF NOT EXISTS langgraph")
    op.create_table(
        "ai_usage",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=True),
        sa.Column("phase", sa.String(length=20), nullable=False),
        sa.Column("lesson_key", sa.String(length=20), nullable=True),
        sa.Column("model", sa.String(length=120), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("cost_usd", sa.Numeric(precision=12, scale=6), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_ai_usage_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["workflow_runs.id"],
            name=op.f("fk_ai_usage_run_id_workflow_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ai_usage")),
    )
    op.create_index("ix_ai_usage_run", "ai_usage", ["run_id", "created_at"], unique=False)
    op.create_table(
        "review_gates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("run_id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("interrupt_id", sa.String(length=64), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "outline",
                "lesson",
                "final",
                name="gate_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("lesson_key", sa.String(length=20), nullable=True),
        sa.Column("title", sa.String(length=300), server_default="", nullable=False),
        sa.Column("round", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "decided",
                "applied",
                "closed",
                name="gate_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("decision", sa.String(length=20), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("edit", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_review_gates_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["users.id"],
            name=op.f("fk_review_gates_decided_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["workflow_runs.id"],
            name=op.f("fk_review_gates_run_id_workflow_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_gates")),
        sa.UniqueConstraint(
            "run_id", "interrupt_id", name=op.f("uq_review_gates_run_id_interrupt_id")
        ),
    )
    op.create_index(
        "ix_review_gates_course", "review_gates", ["course_id", "created_at"], unique=False
    )
    op.create_index(
        "ix_review_gates_pending", "review_gates", ["status", "created_at"], unique=False
    )
    op.create_table(
        "quiz_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("module_id", sa.Uuid(), nullable=False),
        sa.Column("lesson_id", sa.Uuid(), nullable=True),
        sa.Column("workflow_key", sa.String(length=30), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("objective", sa.Text(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("choices", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("answer_index", sa.Integer(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_quiz_items_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lessons.id"],
            name=op.f("fk_quiz_items_lesson_id_lessons"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["module_id"],
            ["modules.id"],
            name=op.f("fk_quiz_items_module_id_modules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quiz_items")),
        sa.UniqueConstraint(
            "course_id", "workflow_key", name=op.f("uq_quiz_items_course_id_workflow_key")
        ),
    )
    op.create_index(
        "ix_quiz_items_module_position", "quiz_items", ["module_id", "position"], unique=False
    )
    op.create_table(
        "lesson_suggestions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("course_id", sa.Uuid(), nullable=False),
        sa.Column("lesson_id", sa.Uuid(), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=True),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("diff", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "accepted",
                "rejected",
                name="suggestion_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_lesson_suggestions_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["users.id"],
            name=op.f("fk_lesson_suggestions_decided_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lessons.id"],
            name=op.f("fk_lesson_suggestions_lesson_id_lessons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["chat_messages.id"],
            name=op.f("fk_lesson_suggestions_message_id_chat_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson_suggestions")),
    )
    op.create_index(
        "ix_lesson_suggestions_course",
        "lesson_suggestions",
        ["course_id", "status", "created_at"],
        unique=False,
    )
    op.add_column("lessons", sa.Column("workflow_key", sa.String(length=20), nullable=True))
    op.create_index(
        "uq_lessons_workflow_key",
        "lessons",
        ["course_id", "workflow_key"],
        unique=True,
        postgresql_where=sa.text("workflow_key IS NOT NULL"),
    )
    op.add_column("modules", sa.Column("workflow_key", sa.String(length=20), nullable=True))
    op.create_index(
        "uq_modules_workflow_key",
        "modules",
        ["course_id", "workflow_key"],
        unique=True,
        postgresql_where=sa.text("workflow_key IS NOT NULL"),
    )
    op.add_column(
        "workflow_runs",
        sa.Column(
            "brief", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
    )
    op.add_column(
        "workflow_runs", sa.Column("offline", sa.Boolean(), server_default="false", nullable=False)
    )
    # Runs made before this revision had no thread; their own id is what it would be.
    op.add_column("workflow_runs", sa.Column("thread_id", sa.String(length=64), nullable=True))
    op.execute("UPDATE workflow_runs SET thread_id = id::text")
    op.alter_column("workflow_runs", "thread_id", nullable=False)
    op.add_column(
        "workflow_runs", sa.Column("head_checkpoint", sa.String(length=64), nullable=True)
    )
    op.add_column("workflow_runs", sa.Column("parent_run_id", sa.Uuid(), nullable=True))
    op.add_column(
        "workflow_runs", sa.Column("forked_from_checkpoint", sa.String(length=64), nullable=True)
    )
    op.add_column(
        "workflow_runs",
        sa.Column(
            "cost_usd", sa.Numeric(precision=12, scale=6), server_default="0", nullable=False
        ),
    )
    op.add_column(
        "workflow_runs",
        sa.Column("cancel_requested", sa.Boolean(), server_default="false", nullable=False),
    )
    op.add_column(
        "workflow_runs",
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
    )
    op.add_column(
        "workflow_runs",
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
    )
    op.create_foreign_key(
        op.f("fk_workflow_runs_parent_run_id_workflow_runs"),
        "workflow_runs",
        "workflow_runs",
        ["parent_run_id"],
        ["id"],
        ondelete="SET NULL",
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("fk_workflow_runs_parent_run_id_workflow_runs"), "workflow_runs", type_="foreignkey"
    )
    op.drop_column("workflow_runs", "updated_at")
    op.drop_column("workflow_runs", "created_at")
    op.drop_column("workflow_runs", "cancel_requested")
    op.drop_column("workflow_runs", "cost_usd")
    op.drop_column("workflow_runs", "forked_from_checkpoint")
    op.drop_column("workflow_runs", "parent_run_id")
    op.drop_column("workflow_runs", "head_checkpoint")
    op.drop_column("workflow_runs", "thread_id")
    op.drop_column("workflow_runs", "offline")
    op.drop_column("workflow_runs", "brief")
    op.drop_index(
        "uq_modules_workflow_key",
        table_name="modules",
        postgresql_where=sa.text("workflow_key IS NOT NULL"),
    )
    op.drop_column("modules", "workflow_key")
    op.drop_index(
        "uq_lessons_workflow_key",
        table_name="lessons",
        postgresql_where=sa.text("workflow_key IS NOT NULL"),
    )
    op.drop_column("lessons", "workflow_key")
    op.drop_index("ix_lesson_suggestions_course", table_name="lesson_suggestions")
    op.drop_table("lesson_suggestions")
    op.drop_index("ix_quiz_items_module_position", table_name="quiz_items")
    op.drop_table("quiz_items")
    op.drop_index("ix_review_gates_pending", table_name="review_gates")
    op.drop_index("ix_review_gates_course", table_name="review_gates")
    op.drop_table("review_gates")
    op.drop_index("ix_ai_usage_run", table_name="ai_usage")
    op.drop_table("ai_usage")
    op.execute("DROP SCHEMA IF EXISTS langgraph CASCADE")
