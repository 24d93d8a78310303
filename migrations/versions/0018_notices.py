"""notices: transparency notices drafted and published, and the data the notices need

Revision ID: 0018t
Revises: 0016n
Create Date: 2026-12-07 08:00:00

"""

import sqlalchemy as sa
from alembic import op

import tenderflow.models.types

revision = "0018t"
down_revision = "0016n"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("procurement_id", sa.Integer(), nullable=False),
        sa.Column("notice_type", sa.String(length=20), nullable=False),
        sa.Column("drafted_at", tenderflow.models.types.UTCDateTime(), nullable=True),
        sa.Column("published_id", sa.String(length=60), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", tenderflow.models.types.UTCDateTime(), nullable=True),
        sa.Column("reminded_on", sa.Date(), nullable=True),
        sa.Column("overdue_since", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["procurement_id"], ["procurements.id"], name=op.f("fk_notices_procurement_id_procurements")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_notices_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notices")),
        sa.UniqueConstraint(
            "procurement_id", "notice_type", name=op.f("uq_notices_procurement_id")
        ),
    )
    op.create_index(op.f("ix_notices_procurement_id"), "notices", ["procurement_id"], unique=False)
    with op.batch_alter_table("procurements") as batch:
        batch.add_column(sa.Column("cpv_codes", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(
            sa.Column("delivery_regions", sa.JSON(), nullable=False, server_default="[]")
        )
        batch.add_column(sa.Column("suitable_for_sme", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("suitable_for_vcse", sa.Boolean(), nullable=True))
        batch.add_column(
            sa.Column("buyer_name", sa.String(length=200), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("buyer_identifiers", sa.JSON(), nullable=False, server_default="{}")
        )
        batch.add_column(
            sa.Column("ocid_prefix", sa.String(length=40), nullable=False, server_default="")
        )
    with op.batch_alter_table("bidders") as batch:
        batch.add_column(
            sa.Column(
                "companies_house_number", sa.String(length=20), nullable=False, server_default=""
            )
        )
        batch.add_column(sa.Column("ppon", sa.String(length=40), nullable=False, server_default=""))
        batch.add_column(sa.Column("is_sme", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("is_vcse", sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table("bidders") as batch:
        for column in ("is_vcse", "is_sme", "ppon", "companies_house_number"):
            batch.drop_column(column)
    with op.batch_alter_table("procurements") as batch:
        for column in (
            "ocid_prefix",
            "buyer_identifiers",
            "buyer_name",
            "suitable_for_vcse",
            "suitable_for_sme",
            "delivery_regions",
            "cpv_codes",
        ):
            batch.drop_column(column)
    op.drop_index(op.f("ix_notices_procurement_id"), table_name="notices")
    op.drop_table("notices")
