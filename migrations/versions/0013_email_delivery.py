"""email delivery: each outbox message's delivery status, people's email choices

Revision ID: 0013e
Revises: 0012a
Create Date: 2026-12-07 07:00:00

"""

import sqlalchemy as sa
from alembic import op

import tenderflow.models.types

revision = "0013e"
down_revision = "0012a"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages") as batch:
        batch.add_column(sa.Column("link", sa.String(length=300), nullable=True))
        batch.add_column(
            sa.Column(
                "delivery_status", sa.String(length=20), nullable=False, server_default="in-app"
            )
        )
        batch.add_column(
            sa.Column("delivery_attempts", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("delivery_error", sa.Text(), nullable=True))
        batch.add_column(sa.Column("provider_reference", sa.String(length=200), nullable=True))
        batch.add_column(
            sa.Column("claimed_at", tenderflow.models.types.UTCDateTime(), nullable=True)
        )
        batch.add_column(
            sa.Column("next_attempt_at", tenderflow.models.types.UTCDateTime(), nullable=True)
        )
        batch.add_column(
            sa.Column("delivered_at", tenderflow.models.types.UTCDateTime(), nullable=True)
        )
        batch.create_index(
            batch.f("ix_outbox_messages_delivery_status"), ["delivery_status"], unique=False
        )
    with op.batch_alter_table("capital_notices") as batch:
        batch.add_column(sa.Column("message_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            batch.f("fk_capital_notices_message_id_outbox_messages"),
            "outbox_messages",
            ["message_id"],
            ["id"],
        )
    op.create_table(
        "email_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("updated_at", tenderflow.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_email_preferences_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_preferences")),
        sa.UniqueConstraint(
            "user_id", "category", name=op.f("uq_email_preferences_user_id")
        ),
    )
    op.create_index(
        op.f("ix_email_preferences_user_id"), "email_preferences", ["user_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_email_preferences_user_id"), table_name="email_preferences")
    op.drop_table("email_preferences")
    with op.batch_alter_table("capital_notices") as batch:
        batch.drop_constraint(
            batch.f("fk_capital_notices_message_id_outbox_messages"), type_="foreignkey"
        )
        batch.drop_column("message_id")
    with op.batch_alter_table("outbox_messages") as batch:
        batch.drop_index(batch.f("ix_outbox_messages_delivery_status"))
        for column in (
            "delivered_at",
            "next_attempt_at",
            "claimed_at",
            "provider_reference",
            "delivery_error",
            "delivery_attempts",
            "delivery_status",
            "link",
        ):
            batch.drop_column(column)
