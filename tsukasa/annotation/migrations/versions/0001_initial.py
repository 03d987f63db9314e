"""Initial review store: users, sessions, cut state (a projection of events), review events.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "review_users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(300), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "review_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("review_users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "review_cuts",
        sa.Column("cut_id", sa.String(300), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False, unique=True),
        sa.Column("dataset_version", sa.Integer, nullable=False),
        sa.Column("speaker", sa.String(200)),
        sa.Column("duration", sa.Float, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("assigned_to", sa.String(100)),
        sa.Column("reviewer", sa.String(100)),
        sa.Column("reviewed_at", sa.DateTime(timezone=True)),
        sa.Column("reason", sa.Text),
        sa.Column("cer", sa.Float),
        sa.Column("snr_db", sa.Float),
        sa.Column("flags", sa.Text, nullable=False),
        sa.Column("original", sa.JSON, nullable=False),
        sa.Column("current", sa.JSON, nullable=False),
        sa.Column("audio", sa.JSON, nullable=False),
    )
    op.create_index("ix_review_cuts_queue", "review_cuts", ["status", "assigned_to", "position"])
    op.create_table(
        "review_events",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("cut_id", sa.String(300), sa.ForeignKey("review_cuts.cut_id"), nullable=False),
        sa.Column("dataset_version", sa.Integer, nullable=False),
        sa.Column("annotator", sa.String(100), nullable=False),
        sa.Column("time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("base_revision", sa.Integer, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("changes", sa.JSON, nullable=False),
        sa.Column("reason", sa.Text),
        sa.UniqueConstraint("cut_id", "revision", name="uq_review_events_cut_revision"),
    )
    op.create_index("ix_review_events_annotator", "review_events", ["annotator"])


def downgrade() -> None:
    op.drop_table("review_events")
    op.drop_index("ix_review_cuts_queue", table_name="review_cuts")
    op.drop_table("review_cuts")
    op.drop_table("review_sessions")
    op.drop_table("review_users")
    op.drop_table("review_meta")
