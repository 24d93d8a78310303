"""hardening: new-procurement drafts kept on the server, one per person

Revision ID: 0011h
Revises: 0010g
Create Date: 2026-12-07 07:10:00

"""

import sqlalchemy as sa
from alembic import op

import tenderflow.models.types

revision = "0011h"
down_revision = "0010g"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "procurement_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", tenderflow.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_procurement_drafts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procurement_drafts")),
        sa.UniqueConstraint("user_id", name=op.f("uq_procurement_drafts_user_id")),
    )


def downgrade():
    op.drop_table("procurement_drafts")
