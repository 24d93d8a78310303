"""procedure stages: the competitive flexible stages chosen, and a direct award's transparency notice

Procurements already planned keep their stages (an EOI on every tender route):
``stages_follow_procedure`` is false for them and true for every procurement created after.

Revision ID: 0014s
Revises: 0013e
Create Date: 2026-12-07 08:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0014s"
down_revision = "0013e"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("procurements") as batch:
        batch.add_column(sa.Column("procedure_stages", sa.JSON(), nullable=True))
        batch.add_column(
            sa.Column(
                "stages_follow_procedure",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )
        batch.add_column(
            sa.Column("transparency_notice_reference", sa.String(length=100), nullable=True)
        )
        batch.add_column(sa.Column("transparency_notice_published_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("procurements") as batch:
        batch.drop_column("transparency_notice_published_on")
        batch.drop_column("transparency_notice_reference")
        batch.drop_column("stages_follow_procedure")
        batch.drop_column("procedure_stages")
