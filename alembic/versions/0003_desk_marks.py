"""the desk's feedback marks on stories, and stories listed newest first

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "marks",
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.String(length=100), nullable=False),
        sa.Column("mark", sa.String(length=16), nullable=False),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["stories.id"],
            name=op.f("fk_marks_story_id_stories"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("story_id", "theme_id", name=op.f("pk_marks")),
    )
    op.create_index(op.f("ix_marks_theme_id"), "marks", ["theme_id"], unique=False)
    op.create_index(op.f("ix_stories_published"), "stories", ["published"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_stories_published"), table_name="stories")
    op.drop_index(op.f("ix_marks_theme_id"), table_name="marks")
    op.drop_table("marks")
