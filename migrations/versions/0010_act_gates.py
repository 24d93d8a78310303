"""act gates: the conflicts assessment and each bidder's exclusion check

Revision ID: 0010g
Revises: 0009r
Create Date: 2026-12-07 07:00:00

"""

from alembic import op
import sqlalchemy as sa
import tenderflow.models.types


revision = "0010g"
down_revision = "0009r"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "conflicts_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("procurement_id", sa.Integer(), nullable=False),
        sa.Column("conflicts_found", sa.Boolean(), nullable=False),
        sa.Column("conflicts", sa.Text(), nullable=False),
        sa.Column("mitigation", sa.Text(), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", tenderflow.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["users.id"],
            name=op.f("fk_conflicts_assessments_confirmed_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["procurement_id"],
            ["procurements.id"],
            name=op.f("fk_conflicts_assessments_procurement_id_procurements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflicts_assessments")),
    )
    with op.batch_alter_table("conflicts_assessments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conflicts_assessments_procurement_id"), ["procurement_id"], unique=False
        )

    op.create_table(
        "exclusion_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("procurement_id", sa.Integer(), nullable=False),
        sa.Column("bidder_id", sa.Integer(), nullable=False),
        sa.Column("mandatory_checked", sa.JSON(), nullable=False),
        sa.Column("discretionary_checked", sa.JSON(), nullable=False),
        sa.Column("on_debarment_list", sa.Boolean(), nullable=False),
        sa.Column("debarment_checked_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", tenderflow.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["bidder_id"], ["bidders.id"], name=op.f("fk_exclusion_checks_bidder_id_bidders")
        ),
        sa.ForeignKeyConstraint(
            ["procurement_id"],
            ["procurements.id"],
            name=op.f("fk_exclusion_checks_procurement_id_procurements"),
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_exclusion_checks_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exclusion_checks")),
    )
    with op.batch_alter_table("exclusion_checks", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_exclusion_checks_bidder_id"), ["bidder_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_exclusion_checks_procurement_id"), ["procurement_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("exclusion_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exclusion_checks_procurement_id"))
        batch_op.drop_index(batch_op.f("ix_exclusion_checks_bidder_id"))
    op.drop_table("exclusion_checks")
    with op.batch_alter_table("conflicts_assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conflicts_assessments_procurement_id"))
    op.drop_table("conflicts_assessments")
