"""probity of scores: who entered each score, version counters against lost updates, and
the audit log as a hash chain that PostgreSQL refuses to change

Revision ID: 0017s
Revises: 0015b
Create Date: 2026-12-07 08:00:00

"""

import sqlalchemy as sa
from alembic import op

import tenderflow.models.types
from tenderflow.domain import audit_chain

revision = "0017s"
down_revision = "0015b"
branch_labels = None
depends_on = None

VERSIONED = (
    "evaluator_scores",
    "consensus_scores",
    "pass_fail_results",
    "capital_score_sheets",
    "capital_agreed_scores",
    "stage_dates",
)

REFUSE_CHANGES = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % on audit_events is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql
"""


def _chain_existing_entries() -> None:
    bind = op.get_bind()
    events = sa.table(
        "audit_events",
        sa.column("id", sa.Integer()),
        sa.column("at", tenderflow.models.types.UTCDateTime()),
        *(
            sa.column(
                name, sa.Integer() if name.endswith("_id") and name != "entity_id" else sa.Text()
            )
            for name in audit_chain.FIELDS
            if name != "at"
        ),
        sa.column("prev_hash", sa.String(64)),
        sa.column("hash", sa.String(64)),
    )
    previous = audit_chain.GENESIS
    rows = bind.execute(sa.select(events).order_by(events.c.id)).mappings().all()
    for row in rows:
        current = audit_chain.entry_hash(previous, row)
        bind.execute(
            events.update().where(events.c.id == row["id"]).values(prev_hash=previous, hash=current)
        )
        previous = current


def upgrade():
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("evaluator_scores") as batch:
        batch.add_column(sa.Column("entered_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_evaluator_scores_entered_by_id_users", "users", ["entered_by_id"], ["id"]
        )

    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
    _chain_existing_entries()
    with op.batch_alter_table("audit_events") as batch:
        batch.create_unique_constraint("uq_audit_events_prev_hash", ["prev_hash"])

    if op.get_bind().dialect.name == "postgresql":
        op.execute(REFUSE_CHANGES)
        # Row triggers: TRUNCATE (which only the database owner may run) is not a row change.
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_constraint("uq_audit_events_prev_hash", type_="unique")
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
    with op.batch_alter_table("evaluator_scores") as batch:
        batch.drop_constraint("fk_evaluator_scores_entered_by_id_users", type_="foreignkey")
        batch.drop_column("entered_by_id")
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
