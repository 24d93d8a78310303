"""flow run recovery: a run's last sign of life, and the crashes it was recovered from

Revision ID: 0022r
Revises: 0021v
Create Date: 2026-12-07 10:00:00

"""

import sqlalchemy as sa
from alembic import op

import tenderflow.models.types

revision = "0022r"
down_revision = "0021v"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("flow_run_requests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("heartbeat_at", tenderflow.models.types.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("recoveries", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("crash", sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table("flow_run_requests", schema=None) as batch_op:
        batch_op.drop_column("crash")
        batch_op.drop_column("recoveries")
        batch_op.drop_column("heartbeat_at")
