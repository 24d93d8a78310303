"""probity of bids: the deadline in force at receipt, reinstated exclusions, approval requests
against a hash of the results, terminated procurements

Revision ID: 0015b
Revises: 0014s
Create Date: 2026-12-07 07:30:00

"""

import sqlalchemy as sa
from alembic import op

import tenderflow.models.types

revision = "0015b"
down_revision = "0014s"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("bids") as batch:
        batch.add_column(
            sa.Column("deadline_at", tenderflow.models.types.UTCDateTime(), nullable=True)
        )
        batch.add_column(sa.Column("reinstatement_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("procurements") as batch:
        batch.add_column(
            sa.Column("terminated_at", tenderflow.models.types.UTCDateTime(), nullable=True)
        )
        batch.add_column(sa.Column("termination_reason", sa.Text(), nullable=True))
        batch.add_column(sa.Column("terminated_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_procurements_terminated_by_id_users"), "users", ["terminated_by_id"], ["id"]
        )
    op.create_table(
        "approval_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("procurement_id", sa.Integer(), nullable=False),
        sa.Column("results_hash", sa.String(length=64), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_at", tenderflow.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["procurement_id"],
            ["procurements.id"],
            name=op.f("fk_approval_requests_procurement_id_procurements"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_approval_requests_requested_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approval_requests")),
    )
    with op.batch_alter_table("approval_requests") as batch:
        batch.create_index(
            batch.f("ix_approval_requests_procurement_id"), ["procurement_id"], unique=False
        )
    with op.batch_alter_table("award_approvals") as batch:
        batch.add_column(sa.Column("approval_request_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("results_hash", sa.String(length=64), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_award_approvals_approval_request_id_approval_requests"),
            "approval_requests",
            ["approval_request_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("award_approvals") as batch:
        batch.drop_constraint(
            batch.f("fk_award_approvals_approval_request_id_approval_requests"), type_="foreignkey"
        )
        batch.drop_column("results_hash")
        batch.drop_column("approval_request_id")
    with op.batch_alter_table("approval_requests") as batch:
        batch.drop_index(batch.f("ix_approval_requests_procurement_id"))
    op.drop_table("approval_requests")
    with op.batch_alter_table("procurements") as batch:
        batch.drop_constraint(batch.f("fk_procurements_terminated_by_id_users"), type_="foreignkey")
        batch.drop_column("terminated_by_id")
        batch.drop_column("termination_reason")
        batch.drop_column("terminated_at")
    with op.batch_alter_table("bids") as batch:
        batch.drop_column("reinstatement_reason")
        batch.drop_column("deadline_at")
