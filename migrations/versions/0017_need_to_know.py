"""need to know: co-leads of a procurement

Revision ID: 0016n
Revises: 0017s
Create Date: 2026-12-07 08:00:00

"""

import sqlalchemy as sa
from alembic import op

import tenderflow.models.types

revision = "0016n"
down_revision = "0017s"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "procurement_leads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("procurement_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", tenderflow.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["procurement_id"],
            ["procurements.id"],
            name=op.f("fk_procurement_leads_procurement_id_procurements"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_procurement_leads_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["users.id"], name=op.f("fk_procurement_leads_added_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_procurement_leads")),
        sa.UniqueConstraint(
            "procurement_id", "user_id", name=op.f("uq_procurement_leads_procurement_id")
        ),
    )
    with op.batch_alter_table("procurement_leads") as batch:
        batch.create_index(
            batch.f("ix_procurement_leads_procurement_id"), ["procurement_id"], unique=False
        )
        batch.create_index(batch.f("ix_procurement_leads_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("procurement_leads") as batch:
        batch.drop_index(batch.f("ix_procurement_leads_user_id"))
        batch.drop_index(batch.f("ix_procurement_leads_procurement_id"))
    op.drop_table("procurement_leads")
