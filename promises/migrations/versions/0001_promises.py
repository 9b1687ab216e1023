"""The promise, its indicators and actions, and the change log.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "promise",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("parties", sa.JSON, nullable=False),
        sa.Column("areas", sa.JSON, nullable=False),
        sa.Column("period_start", sa.String(10), nullable=False),
        sa.Column("period_end", sa.String(10), nullable=False),
        sa.Column("problems", sa.JSON, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "indicator",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("promise_id", sa.Integer, sa.ForeignKey("promise.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("question", sa.String(100), nullable=False),
        sa.Column("level", sa.String(50), nullable=False),
        sa.Column("area_id", sa.String(100), nullable=False),
        sa.Column("filters", sa.JSON, nullable=False),
        sa.Column("baseline_wave", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "action",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("promise_id", sa.Integer, sa.ForeignKey("promise.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("what", sa.String(300), nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("when", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "change_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("promise_id", sa.Integer, nullable=False, index=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("what", sa.String(50), nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    for table in ("change_log", "action", "indicator", "promise"):
        op.drop_table(table)
