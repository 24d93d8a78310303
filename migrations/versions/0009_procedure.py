"""procedure: a procurement's procedure, tendering-period case and planned procurement notice

Revision ID: 0009r
Revises: 0008
Create Date: 2026-12-07 07:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


revision = "0009r"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("procurements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("procedure", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("tendering_case", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("planned_procurement_notice", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("procurements", schema=None) as batch_op:
        batch_op.drop_column("planned_procurement_notice")
        batch_op.drop_column("tendering_case")
        batch_op.drop_column("procedure")
